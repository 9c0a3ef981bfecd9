import OneMapCLI

OneMapCommand.main()
