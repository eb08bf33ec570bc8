"""``nnlego reproduce``: regenerate every result of both articles (work in progress)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("reproduce", help="reproduce both articles' results")
    parser.set_defaults(func=run)
    return parser


def run(args):
    raise ValueError("nnlego reproduce is not ready yet")
