"""``./saan manage load_demo``: the demo cast; prints the sign-ins."""

from typing import Any

from django.core.management.base import BaseCommand

from saan.core.demo import DEMO_PASSWORD, describe, load_demo


class Command(BaseCommand):
    help = "Load demo people and organisations (idempotent) and print their sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("กำลังโหลดข้อมูลตัวอย่าง (ครั้งแรกใช้เวลาราวหนึ่งนาที) / loading demo data")
        personas = load_demo(say=lambda message: self.stdout.write(f"  … {message}"))
        self.stdout.write(
            self.style.SUCCESS("ผู้ใช้ตัวอย่าง / demo sign-ins") + f"  (password: {DEMO_PASSWORD})"
        )
        for row in describe(personas):
            self.stdout.write(f"  {row['username']:<10} {row['name']:<24} {row['what']}")
