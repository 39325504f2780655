"""What every page's header needs about the user's notifications."""

from workflows.notifications import unread_count


def notifications(request):
    """``notification_unread``: the signed-in user's unread count (one query); nothing for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_unread": unread_count(user)}
