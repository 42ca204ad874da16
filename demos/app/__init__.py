"""`python -m demos.app`: the three demos in a local web page (Gradio).

Each tab reaches its app through the app's own prediction and explain
modules (the same functions as its command line): the speech tab through
`demos.speech.prediction` and `.explain`, the chat tab through
`demos.chat.prediction` and `.explain`, the stocks tab through
`demos.stocks.prediction`, `.explain` and `.training`. Every tab can hold a
gate of its model through `custom_layers.intervene` and answer the same
input again.
"""
