"""Authentication that refuses demo accounts outside the demo (production never accepts them)."""

from django.contrib.auth.backends import ModelBackend

from .demo import DEMO_GROUP, demo_accounts_enabled


class DemoAwareModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if demo_accounts_enabled():
            return True
        return not user.groups.filter(name=DEMO_GROUP).exists()
