"""gettext catalogs: <locale>/LC_MESSAGES/messages.po, extracted into messages.pot."""
