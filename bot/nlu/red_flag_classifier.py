"""The red-flag check as a Rasa NLU component: it sets the safety intent before any policy runs.

It stands last in `config.yml`'s pipeline, after the classifiers and the fallback, so that a
red flag wins over any other reading of the message. The replies are domain responses chosen by
rules (`utter_emergency`, `utter_urgent`, the one-tap question), so they need neither the action
server nor the database. Every message also gets its language, the emergency number and the
care team (with the clinic's contact) as entities, which fill the slots those responses use, the
clinic and reviewer the introduction names when they are set (`provider`), and a `symptom` entity
with the highest level of any symptom it mentions, however it mentions it (the actions add a
one-line safety net at that level to a reply that declines or clarifies such a message).
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
from bot.disclosure import PROVIDER_ENTITY, provider_line
from bot.safety.intents import (
    CARE_TEAM_ENTITY,
    EMERGENCY_NUMBER_ENTITY,
    LANGUAGE_ENTITY,
    OTHER_LANGUAGE_INTENT,
    SYMPTOM_ENTITY,
    care_team,
    intent_for,
)
from bot.safety.language import OTHER
from bot.safety.red_flags import NOTHING, RedFlagDetector, RedFlagRules, default_detector


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagClassifier(GraphComponent, IntentClassifier):
    """Sets a safety intent when a message reports an urgent symptom, or is in a language we do not read."""

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
        if config.get("rules"):
            import yaml

            rules = RedFlagRules(yaml.safe_load(Path(config["rules"]).read_text(encoding="utf-8")))
            return cls(RedFlagDetector(rules, default_detector().classifier))
        return cls(default_detector())

    def __init__(self, detector: RedFlagDetector) -> None:
        """Use this detector."""
        self._detector = detector

    def process(self, messages: list[Message]) -> list[Message]:
        """Screen every message; set the safety intent on those that need it."""
        current = settings.current()
        provider = provider_line(current.clinic_name, current.content_reviewed_by)
        for message in messages:
            screening = self._detector.screen(message.get(TEXT) or "")
            name = intent_for(screening.decision, screening.level) if screening.decision != NOTHING else None
            if name is None and screening.language == OTHER:
                name = OTHER_LANGUAGE_INTENT
            extra = [
                (LANGUAGE_ENTITY, screening.language),
                (EMERGENCY_NUMBER_ENTITY, current.emergency_number),
                (CARE_TEAM_ENTITY, care_team(screening.language, current.clinic_contact)),
                *([(SYMPTOM_ENTITY, screening.mention_level)] if screening.mention_level else []),
                *([(PROVIDER_ENTITY, provider)] if provider else []),
            ]
            found = [{"entity": e, "value": v, "extractor": type(self).__name__} for e, v in extra]
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), *found], add_to_output=True)
            if name is None:
                continue
            intent = {"name": name, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
