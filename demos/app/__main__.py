"""The three demos in a local web page: speak a digit, talk to the bot, forecast a series, hold a gate.

  python -m demos.app                         # http://127.0.0.1:7860, the latest run of each app
  python -m demos.app --port 8000 --chat-model runs/chat/default-s0

Each tab uses the latest trained run of its app under --runs (or the one its
flag names); a tab without a run says which `train` command makes one, and the
other tabs still work. The page listens on 127.0.0.1 only unless --host says
otherwise. Ctrl-C stops it.
"""

import argparse

from demos import cli, startup
from demos.app.settings import Settings

FLAGS = {
    "host": "address to listen on (127.0.0.1: this computer only; 0.0.0.0: every network interface)",
    "port": "port to listen on",
    "speech_model": "speech run folder (or its model.keras); if not given: the latest under --runs",
    "chat_model": "chat run folder (or its model.keras); if not given: the latest under --runs",
    "stocks_model": "stock run shown first (folder or model.keras); if not given: the latest (any run can be chosen "
    "in the page)",
    "runs": "folder of the trained runs (<runs>/<app>/<run>)",
    "max_upload_mb": "uploads larger than this many megabytes are refused before they are read",
}


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.app", description=__doc__, formatter_class=cli.HelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    cli.add_settings_arguments(parser, Settings(), FLAGS)
    parser.set_defaults(run=serve)
    return parser


def serve(args):
    from demos.app.page import serve as serve_page

    settings = cli.settings_from_args(Settings, args)
    if not 0 < settings.port < 65536:
        raise cli.CLIError(f"--port must be between 1 and 65535, got {settings.port}")
    if settings.max_upload_mb <= 0:
        raise cli.CLIError(f"--max-upload-mb must be above 0, got {settings.max_upload_mb:g}")
    print(f"lstm-lab: loading the runs under {settings.runs} ...", flush=True)
    serve_page(settings, on_ready=lambda url: print(f"lstm-lab: open {url} (Ctrl-C stops it)", flush=True))


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
