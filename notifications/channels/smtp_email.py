"""Email over SMTP with the standard library: plain text, the same text as simple HTML with its
links, and attachments such as the calendar invitations.

The server's reply code decides what happens next: 5xx means it will never take this message,
4xx (a full mailbox, greylisting) and a lost connection are worth another try later.
"""
from __future__ import annotations

import html
import re
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from notifications.channels import Delivery, Outgoing, PermanentFailure, TransientFailure, require_settings

# An address ends at a space or a character that never belongs to one, and not on the full stop
# or comma that ends a sentence.
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+(?<![.,;:!?)])")


class SmtpChannel:
    def __init__(self, host: str, port: int, sender: str, *, starttls: bool = True,
                 username: str | None = None, password: str | None = None,
                 timeout: float = 10.0):
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout

    @classmethod
    def from_config(cls, config) -> "SmtpChannel":
        require_settings(config, "EMAIL_BACKEND=smtp", "SMTP_HOST", "EMAIL_FROM")
        return cls(config["SMTP_HOST"], int(config["SMTP_PORT"]), config["EMAIL_FROM"],
                   starttls=bool(config["SMTP_STARTTLS"]), username=config.get("SMTP_USERNAME"),
                   password=config.get("SMTP_PASSWORD"),
                   timeout=float(config["PROVIDER_TIMEOUT_SECONDS"]))

    def send(self, message: Outgoing) -> Delivery:
        email, message_id = self.compose(message)
        try:
            self._deliver(email)
        except smtplib.SMTPRecipientsRefused as refused:
            code, _ = next(iter(refused.recipients.values()))
            raise _by_code(code, "the recipient's server refused the address") from refused
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, "the mail server refused the message") from error
        except (smtplib.SMTPException, OSError) as error:  # refused, dropped, timed out, TLS
            raise TransientFailure(f"mail server unreachable: {type(error).__name__}") from error
        return Delivery(message_id)

    def _deliver(self, email: EmailMessage) -> None:
        smtp = smtplib.SMTP(timeout=self.timeout)
        try:
            smtp.connect(self.host, self.port)
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)
        finally:
            _hang_up(smtp)

    def compose(self, message: Outgoing) -> tuple[EmailMessage, str]:
        email = EmailMessage()
        # The id's local part alone is what we keep: it is unique and fits the column.
        message_id = uuid.uuid4().hex
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        email["Message-ID"] = f"<{message_id}@{domain}>"
        email["Date"] = formatdate(localtime=False)
        email["From"], email["To"] = self.sender, message.to
        email["Subject"] = message.subject or ""
        email.set_content(message.text)
        email.add_alternative(message.html or as_html(message.text), subtype="html")
        for filename, mime, data in message.attachments:
            email.add_attachment(data, filename=filename, **_content_type(mime))
        return email, message_id


def as_html(text: str) -> str:
    """The plain text as HTML, escaped, one paragraph per blank-line block, each web address a
    link (the patient's own page must open with a tap, not by copying the address)."""
    paragraphs = (_linked(block).replace("\n", "<br>\n") for block in text.strip().split("\n\n"))
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<!DOCTYPE html>\n<html><body style="font-family: sans-serif">\n{body}\n</body></html>\n'


def _linked(text: str) -> str:
    """Escaped text with its http(s) addresses as <a href>: the pieces are split on the raw text
    and each escaped on its own, so nothing in it can open or close a tag or an attribute."""
    pieces, last = [], 0
    for found in WEB_ADDRESS.finditer(text):
        address = html.escape(found.group())
        pieces += [html.escape(text[last:found.start()]), f'<a href="{address}">{address}</a>']
        last = found.end()
    return "".join(pieces) + html.escape(text[last:])


def _content_type(mime: str) -> dict:
    """'text/calendar; method=REQUEST' as add_attachment's keywords, parameters kept."""
    header = EmailMessage()
    header["Content-Type"] = mime
    return {"maintype": header.get_content_maintype(), "subtype": header.get_content_subtype(),
            "params": dict(header["Content-Type"].params)}


def _hang_up(smtp: smtplib.SMTP) -> None:
    """QUIT politely; once the message is accepted, a failed goodbye must not mark it failed
    (the worker would send it again)."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _by_code(code: int, what: str) -> Exception:
    if 500 <= code < 600:
        return PermanentFailure(f"{what} ({code})", str(code))
    return TransientFailure(f"{what} for now ({code})")
