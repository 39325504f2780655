"""Web UI routes of the workflows app: notifications, Home Affairs' work lists and task pages."""

from django.urls import path

from workflows.views import notifications, review, tasks

urlpatterns = [
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read-all/", notifications.notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    # Việc: Home Affairs' work lists and the task pages.
    path("viec/", tasks.task_list, name="tasks"),
    path("viec/hang-cho/", tasks.task_queue, name="tasks_queue"),
    path("viec/qua-han/", tasks.task_overdue, name="tasks_overdue"),
    path("viec/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("viec/gop-y/<int:feedback_pk>/", tasks.feedback_task_redirect, name="feedback_task"),
    path("viec/<int:pk>/nhan-viec/", tasks.task_claim, name="task_claim"),
    path("viec/<int:pk>/tra-hang-cho/", tasks.task_release, name="task_release"),
    path("viec/<int:pk>/giao-viec/", tasks.task_reassign, name="task_reassign"),
    path("viec/<int:pk>/xu-ly/", review.task_complete, name="task_complete"),
    path("viec/<int:pk>/kiem-tra-dieu-kien/", review.task_check_eligibility, name="task_check_eligibility"),
    path("viec/<int:pk>/tieu-chuan/<int:verdict_pk>/chap-nhan/", review.task_override, name="task_override"),
    path("viec/<int:pk>/ngoai-le/<int:override_pk>/bo/", review.task_override_remove,
         name="task_override_remove"),
]
