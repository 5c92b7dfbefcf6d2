"""The Gradio demo: a thin view over `agent.EmpatheticAgent` (the web page arrives with its issue;
until then use `empathica chat` or the SDK)."""
