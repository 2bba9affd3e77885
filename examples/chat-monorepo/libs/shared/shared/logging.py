"""Logging set-up that reads its level from the settings."""

import logging

from shared.config import settings


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(settings.get("log_level", "INFO"))
    return logger
