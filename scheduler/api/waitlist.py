"""The waitlist: patients waiting for a freed chair, and what they were offered."""
from flask.views import MethodView

from ..services import waitlist
from .access import ALL_STAFF, BOOKERS, roles
from .blueprint import Blueprint
from .paging import PAGES, QueryPage
from .schemas.waitlist import TakeOfferSchema, WaitlistEntrySchema, WaitlistQuerySchema

blp = Blueprint("waitlist", __name__, url_prefix="/api/v1", description="The waitlist")


@blp.route("/waitlist")
class Waitlist(MethodView):
    @roles(*ALL_STAFF)
    @blp.arguments(WaitlistQuerySchema, location="query")
    @blp.response(200, WaitlistEntrySchema(many=True))
    @blp.paginate(QueryPage, **PAGES)
    @blp.error_response(409, "the clinic is not set up yet")
    def get(self, query):
        """List the waitlist, oldest first, with every offer and its outcome

        Pages of 100 (`page`, `page_size`); the X-Pagination header tells the total.
        """
        return waitlist.list_entries(**query)

    @roles(*BOOKERS)
    @blp.arguments(WaitlistEntrySchema)
    @blp.response(201, WaitlistEntrySchema)
    @blp.error_response(409, "the clinic is not set up yet")
    def post(self, fields):
        """Put a patient on the waitlist for a treatment type and a window of days

        When a session in the window is cancelled or moved, the first waiting patients whose
        window fits (up to three) are each offered the freed time by text and email, as they
        agreed, with a link to take it; the first to take it gets it.
        """
        return waitlist.add_entry(**fields)


@blp.route("/waitlist/<id:entry_id>")
class WaitlistEntryById(MethodView):
    @roles(*BOOKERS)
    @blp.response(200, WaitlistEntrySchema)
    @blp.error_response(404, "no waitlist entry has this id")
    @blp.error_response(409, "the entry is booked or removed already")
    def delete(self, entry_id):
        """Take a patient off the waitlist; offers still open are withdrawn"""
        return waitlist.remove_entry(entry_id)


@blp.route("/waitlist/<id:entry_id>/take")
class TakeOffer(MethodView):
    @roles(*BOOKERS)
    @blp.arguments(TakeOfferSchema)
    @blp.response(200, WaitlistEntrySchema)
    @blp.error_response(404, "no waitlist entry has this id")
    @blp.error_response(409, "the offer was taken, has gone to another patient, was withdrawn or has "
                             "expired; nothing was booked")
    def post(self, fields, entry_id):
        """Take an offer for a patient who phones: books the offered session

        The same as the patient taking it from their link: the first to take a time gets it.
        """
        return waitlist.take_entry_offer(entry_id, fields["offer_id"]).entry
