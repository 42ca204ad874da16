"""The settings of the web app."""

import dataclasses

MEGABYTE = 1024 * 1024


@dataclasses.dataclass
class Settings:
    host: str = "127.0.0.1"  # the address to listen on (0.0.0.0: every network interface)
    port: int = 7860  # the port to listen on
    speech_model: str | None = None  # a speech run folder or its model.keras; None: the latest run
    chat_model: str | None = None  # a chat run folder or its model.keras; None: the latest run
    stocks_model: str | None = None  # the stock run shown first; None: the latest run (every run can be chosen)
    runs: str = "runs"  # the folder of the runs (runs/<app>/<run>)
    max_upload_mb: float = 10.0  # uploads larger than this are refused before they are read
