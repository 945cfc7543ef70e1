"""The bot's web server (ASGI, starlette and uvicorn).

Channel webhooks and the health check (``server``); the web chat and the officer console join it.
"""
