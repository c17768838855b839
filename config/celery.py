"""The Celery application.

With `REDIS_URL` set, tasks go to Redis and run on workers (`celery -A config worker`).
Without it, `CELERY_TASK_ALWAYS_EAGER` makes every task run in process, so the default
install needs no services.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("civicplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
