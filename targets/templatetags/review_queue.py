"""{% review_queue_summary %}: on the admin index, what waits for the signed-in supervisor's review."""

from django import template

from ..review.selectors import review_counts, user_reviews_anything

register = template.Library()


@register.inclusion_tag("admin/targets/review/_summary.html", takes_context=True)
def review_queue_summary(context):
    user = context["request"].user
    if not user_reviews_anything(user):
        return {"show": False}
    counts = review_counts(user)
    return {
        "show": True,
        "evaluations": counts["evaluation"][0],
        "reports": counts["monitoring"][0],
        "late": counts["evaluation"][1] + counts["monitoring"][1],
    }
