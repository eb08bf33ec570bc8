"""What several test files share: the course's notebooks and made-up submissions (notebooks)."""
