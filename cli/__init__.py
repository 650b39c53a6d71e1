"""The headless front end of holepilot, a sibling of the language server: both call only the
engine's facade (:mod:`completion.api`).

    main      the entry: parse the arguments, run a command, turn every error into one line
              on stderr and an exit code
    args      the argument parser (its errors are one line), positions, ranges, settings flags
    commands  one function per subcommand: context, complete, edit, check, doctor
    batch     the one JSONL batch loop that context, complete and check share
    output    what is printed: text for people, JSON for tools

Positions are ``PATH:LINE:COL``, 1-based like compiler messages, columns in characters.
Exit codes: 0 success, 1 ``check`` found errors or ``doctor`` a failed check, 2 bad input,
3 the backend or the model failed, 4 bad settings.
"""
