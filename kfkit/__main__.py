from kfkit.cli.main import main

main()
