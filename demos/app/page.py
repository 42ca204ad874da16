"""The page: one tab per app, each built from the app's latest run (or the one named), or a line saying how."""

import os
import tempfile

from demos.app import chat, speech, stocks
from demos.cli import CLIError

CSS = """
.chat-gates { font-family: monospace; line-height: 1.9; }
.unit-row { white-space: nowrap; overflow-x: auto; }
"""
THEME_FONTS = {"font": ["system-ui", "sans-serif"], "font_mono": ["ui-monospace", "monospace"]}  # no font download


def load_tabs(settings):
    """`(speech tab, chat tab, stocks tab)`; a tab whose run is missing is the line that says how to train it."""
    from pathlib import Path

    from demos.chat.prediction import load_writer
    from demos.runs import resolve_model_path
    from demos.speech.prediction import load_speech_run

    def run_of(app, chosen):
        return str(resolve_model_path(app, chosen, settings.runs))

    workdir = tempfile.mkdtemp(prefix="lstm-lab-app-")
    return (loaded(lambda: speech.SpeechTab(load_speech_run(run_of("speech", settings.speech_model)), workdir)),
            loaded(lambda: chat.ChatTab(load_writer(run_of("chat", settings.chat_model)))),
            stocks.StocksTab(Path(settings.runs) / "stocks", workdir, settings.stocks_model)), workdir


def loaded(make):
    try:
        return make()
    except CLIError as error:
        return f"**No model for this tab.** {error}"


def build_page(tabs):
    """The `gr.Blocks` page of the three tabs."""
    import gradio as gr

    speech_tab, chat_tab, stocks_tab = tabs
    with gr.Blocks(title="lstm-lab") as page:
        gr.Markdown("# lstm-lab\nOne LSTM with every gate written out, in three applications. Each tab can hold a "
                    "gate (forget, input or output) at a constant and answer again: see what the gate does.")
        for name, module, tab in (("Speech", speech, speech_tab), ("Chat", chat, chat_tab),
                                  ("Stocks", stocks, stocks_tab)):
            with gr.Tab(name, elem_id=f"tab-{name.lower()}"):
                if isinstance(tab, str):  # no run: the line that says how to train one
                    gr.Markdown(tab, elem_id=f"{name.lower()}-missing")
                else:
                    module.build(gr, page, tab)
    return page


def serve(settings, block=True, on_ready=None):
    """Loads the runs, builds the page and serves it.

    `on_ready(url)` is called once the page answers; with `block` False the
    call returns the page while serving goes on (`page.close()` stops it).
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing leaves this computer
    import gradio as gr

    from demos.app.settings import MEGABYTE

    tabs, workdir = load_tabs(settings)
    page = build_page(tabs)
    page.queue(default_concurrency_limit=4)
    try:
        page.launch(server_name=settings.host, server_port=settings.port, prevent_thread_lock=True,
                    max_file_size=int(settings.max_upload_mb * MEGABYTE), allowed_paths=[workdir], show_error=False,
                    theme=gr.themes.Default(**THEME_FONTS), css=CSS, quiet=True)
    except OSError as error:
        raise CLIError(f"cannot listen on {settings.host}:{settings.port} ({error})") from None
    if on_ready is not None:
        on_ready(page.local_url)
    if block:
        page.block_thread()
    return page
