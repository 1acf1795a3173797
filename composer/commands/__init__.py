"""One module or folder per `compose` command, named as the command is: build, check, preview/, send/,
archive, new, init, schema/. cli.py parses the arguments and calls them."""
