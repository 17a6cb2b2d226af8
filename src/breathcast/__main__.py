from breathcast.cli import main

main()
