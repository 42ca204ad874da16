"""The chat tab: a conversation with the bot (the earlier turns are its context), and its gates over a reply."""

from demos.app.holds import AS_TRAINED, HeldModel, explicit, read_hold, read_units
from demos.app.widgets import answered, hold_fields
from demos.cli import CLIError

QUANTITIES = ("cell_state", "hidden_state", "forget_gate", "input_gate", "output_gate")


class ChatTab:
    """The latest chat run (or `--chat-model`), answering conversations."""

    def __init__(self, writer):
        from demos.chat.model import build_step_model

        for each in writer.writers:  # the conversation model, and the memory model if the run has one
            model = explicit(each.model)
            if model is not each.model:
                each.model, each.step_model = model, build_step_model(model)
        self.writer = writer
        self.held = HeldModel(*(each.step_model for each in writer.writers))  # the models that write, a step a character

    def reply(self, turns, hold=AS_TRAINED):
        """`(reply, notes)` to the last of `turns`."""
        from demos.chat.prediction import answer

        if not turns or not turns[-1].strip():
            raise CLIError("write a message first")
        with self.held.answering(hold):
            return answer(self.writer, turns)

    def gates(self, turns, reply, quantity, units):
        """HTML: for each chosen unit, the reply's characters coloured by `quantity` as the model wrote them."""
        from demos.chat.explain import trace_conversation
        from demos.lesson.units import coloured_text

        if quantity not in QUANTITIES:
            raise CLIError(f"draw one of {', '.join(QUANTITIES)}, got {quantity!r}")
        writer = self.writer.route([turns])[0]  # the model that wrote the reply
        chosen = read_units(units) or tuple(range(min(8, writer.units)))
        if max(chosen) >= writer.units or min(chosen) < 0:
            raise CLIError(f"units must be between 0 and {writer.units - 1}")
        with self.held.answering():
            trace, labels, start = trace_conversation(writer, turns, reply)
        values = trace[quantity][0, start:]
        rows = [f'<div class="unit-row"><code>unit {unit:>3}</code> {coloured_text(labels[start:], values[:, unit])}</div>'
                for unit in chosen]
        return f'<div class="chat-gates">{"".join(rows)}</div>'


def turns_of(history):
    """The texts of a `gr.Chatbot` history (messages), oldest first."""
    return [text_of(message["content"]) for message in history or []]


def text_of(content):
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return content.get("text", "")
    return "".join(text_of(part) for part in content)


def build(gr, page, tab):
    """The tab's fields and events (`page`: the `gr.Blocks` they are in) for a `ChatTab`."""
    gr.Markdown(f"Model: `{tab.writer.run_dir}`. The bot writes one character at a time; the conversation so far "
                "is its context.")
    log = gr.Chatbot(label="conversation", elem_id="chat-log", height=320)
    with gr.Row():
        text = gr.Textbox(placeholder="say something", show_label=False, elem_id="chat-message", scale=4)
        send = gr.Button("Send", variant="primary", elem_id="chat-send", scale=1)
        clear = gr.Button("New conversation", elem_id="chat-clear", scale=1)
    message = gr.Markdown(elem_id="chat-notes")
    with gr.Row():
        quantity = gr.Radio(list(QUANTITIES), value="cell_state", label="draw over the last reply",
                               elem_id="chat-quantity")
        chosen = gr.Textbox("0, 1, 2, 3, 4, 5, 6, 7", label="units", elem_id="chat-units")
    drawing = gr.HTML(elem_id="chat-gates")
    (gate, value, units), button = hold_fields(gr, "chat")
    held_reply = gr.Markdown(elem_id="chat-held-reply")

    @answered(3)
    def send_message(history, words):
        turns = [*turns_of(history), words]
        reply_text, notes = tab.reply(turns)
        history = [*(history or []), {"role": "user", "content": words}, {"role": "assistant", "content": reply_text}]
        return " ".join(f"Note: {note}." for note in notes), history, ""

    @answered(2)
    def draw(history, name, unit_text):
        turns = turns_of(history)
        if len(turns) < 2:
            return gr.update(), ""
        return gr.update(), tab.gates(turns[:-1], turns[-1], name, unit_text)

    @answered(1)
    def hold_again(history, gate_name, held_value, held_units):
        turns = turns_of(history)
        if len(turns) < 2:
            raise CLIError("send a message first: the last one is answered again")
        hold = read_hold(gate_name, held_value, held_units)
        reply_text, _ = tab.reply(turns[:-1], hold)
        return f"With the {hold.describe()}, the bot says: **{reply_text or '(nothing)'}**"

    sent = [log, text]
    send.click(send_message, [log, text], [message, *sent], api_name="reply").then(
        draw, [log, quantity, chosen], [message, drawing])
    text.submit(send_message, [log, text], [message, *sent], api_name=False).then(
        draw, [log, quantity, chosen], [message, drawing])
    for field in (quantity, chosen):
        field.change(draw, [log, quantity, chosen], [message, drawing])
    clear.click(lambda: ([], "", "", ""), None, [log, message, drawing, held_reply])
    button.click(hold_again, [log, gate, value, units], held_reply)
