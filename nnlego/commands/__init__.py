"""The subcommands of ``nnlego``: one module each, with ``add_parser(subparsers)``."""
