from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "saan.accounts"
    label = "accounts"
