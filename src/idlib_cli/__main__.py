from idlib_cli.main import main

main()
