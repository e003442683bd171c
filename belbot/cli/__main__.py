from belbot.cli.app import main

main()
