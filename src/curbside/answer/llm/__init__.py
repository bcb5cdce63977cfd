"""The optional LLM engine: any OpenAI-compatible endpoint writes the draft from the chosen
evidence, and the same verifier as the extractive engine's decides what of it is served.

client.py talks HTTP, prompt.py builds the messages, schema.py holds the answer's JSON shape
and its strict parser, engine.py ties them to the Engine protocol with its fallback, and
preview.py turns a half-streamed reply into what an asker may watch while it is checked.
"""
