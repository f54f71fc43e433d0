"""The red-flag check as a Rasa NLU component: it overrides the intent before any policy runs.

It stands last in `config.yml`'s pipeline, after the classifiers and the fallback, so that
a red flag wins over any other reading of the message. The reply is the domain response
`utter_emergency`, chosen by a rule, so it needs neither the action server nor the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import settings
from bot.safety.red_flags import DEFAULT_RULES, RED_FLAG_INTENT, RedFlagDetector

EMERGENCY_NUMBER_ENTITY = "emergency_number"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagClassifier(GraphComponent, IntentClassifier):
    """Sets the intent `red_flag` when a message reports an urgent symptom."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`rules`: path of the red-flag rules (default: bot/safety/red_flags.yml)."""
        return {"rules": None}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagClassifier:
        """Build the component from its config."""
        return cls(Path(config["rules"]) if config.get("rules") else DEFAULT_RULES)

    def __init__(self, rules: Path) -> None:
        """Load the rules."""
        self._detector = RedFlagDetector.from_file(rules)

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark every message that reports a red flag."""
        for message in messages:
            flag = self._detector.detect(message.get(TEXT) or "")
            if flag is None:
                continue
            intent = {"name": RED_FLAG_INTENT, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != RED_FLAG_INTENT]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            number = {
                "entity": EMERGENCY_NUMBER_ENTITY,
                "value": settings.current().emergency_number,
                "extractor": type(self).__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), number], add_to_output=True)
        return messages
