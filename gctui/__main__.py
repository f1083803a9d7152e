from gctui.cli.main import main

raise SystemExit(main())
