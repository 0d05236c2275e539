"""redrock_sessions: a Django session engine that stores each session as a Redis hash.

Use it with SESSION_ENGINE = "redrock_sessions.session"; see redrock_sessions.conf for the
SESSION_REDROCK settings.
"""

__version__ = "0.1.0"
