from idlib_cli.cli import main

main()
