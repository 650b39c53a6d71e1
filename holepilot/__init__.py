"""The ``holepilot`` command: one entry above both front ends.

    main      ``holepilot serve ...`` starts the language server (:mod:`lsp_server`); every
              other subcommand goes to the CLI (:mod:`cli`)
    __main__  ``python -m holepilot``, the same command
"""
