"""What the Rasa server loads by class path: NLU components, channels, the lock store, a patch.

Nothing here imports `actions`, `ops`, `tools` or `webapp`; `bot.safety` and the pure helpers in
`bot.channels` (guard, rate limit, choices, webhook checks) import neither rasa nor sanic.
"""
