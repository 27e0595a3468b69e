"""Demo ideas: the 96 ideas from the day opportunities kick-off workshop, and a few more.

Loaded through the ideas services, idempotently: the workshop ideas are entered once (found
by their event name on the project's board); supports, comments, merges and decisions are
only made when the idea they concern does not have them yet.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.understand.ideas import bulk
from coproduce.understand.ideas.models import Area, Comment, CommentReport, Idea, Status, Support
from coproduce.understand.ideas.services import (
    IdeaData,
    areas_ensure,
    comment_add,
    comment_report,
    idea_change_status,
    idea_merge,
    idea_submit,
    idea_support,
    ideas_bulk_create,
)

PROJECT_TITLE = "Day opportunities for adults with learning disabilities"
EVENT = "Kick-off workshop, 3 March"

# What people wrote on sticky notes and forms at the kick-off workshop: people with learning
# disabilities, family carers, support staff and local groups. (title, description, area)
WORKSHOP = [
    (
        "Evening club",
        "Something to do after 6pm, not just in the daytime. Most clubs shut at 3.",
        "",
    ),
    (
        "Friday night disco",
        "A disco once a month with a proper DJ and soft drinks.",
        "Riverside Central",
    ),
    ("Cooking lessons", "Learn to cook simple meals so I can make my own tea.", ""),
    (
        "Cooking for a budget",
        "How to shop and cook for the week with the money I have.",
        "Millbrook",
    ),
    (
        "Community garden",
        "Grow vegetables and flowers together, and sell them at the market.",
        "Northfield",
    ),
    ("Allotment group", "A shared allotment plot with a shed and someone to help.", "Westholme"),
    ("Paid work placements", "Real jobs with real pay, not just volunteering for ever.", ""),
    ("Job coach", "Someone to come to work with me for the first few weeks.", ""),
    ("Travel training", "Learn to get the bus on my own, one route at a time.", ""),
    ("Bus buddy scheme", "A volunteer who travels with you until you feel safe.", "Eastgate"),
    ("Drama group", "Put on a play at the Riverside theatre once a year.", "Riverside Central"),
    ("Music and singing", "A choir or band where everyone can join in.", ""),
    ("Football team", "A football team that plays other teams, not just training.", "Millbrook"),
    ("Swimming sessions", "Quiet swimming times with changing places toilets.", "St Anne’s"),
    ("Walking group", "Walks by the river with a cafe stop at the end.", "Riverside Central"),
    ("Making friends", "Help to meet people and keep in touch with them.", ""),
    ("Dating and relationships", "A safe way to meet someone and learn about relationships.", ""),
    ("Quiet space", "A calm room to go to when it gets too loud or busy.", ""),
    (
        "Sensory room",
        "A sensory room for people with profound and multiple disabilities.",
        "Eastgate",
    ),
    ("Art classes", "Painting, pottery and printing with a real artist.", "St Anne’s"),
    ("Photography club", "Learn to take good photos on a phone and go on photo walks.", ""),
    ("Computer skills", "Using email, video calls and staying safe online.", ""),
    ("Money skills", "Understanding my bank card, my benefits and paying bills.", ""),
    (
        "Self-advocacy group",
        "A group where we speak up for ourselves and tell the council what we think.",
        "",
    ),
    (
        "Easy read information",
        "All leaflets and letters in easy read with pictures.",
        "Whole borough",
    ),
    (
        "Changing places toilets",
        "Proper changing places toilets at every day centre and in town.",
        "Whole borough",
    ),
    (
        "Transport that turns up",
        "The minibus is often late and we miss the start of activities.",
        "",
    ),
    ("Flexible hours", "Activities at weekends too, not just Monday to Friday.", ""),
    (
        "Choose my own activities",
        "Let me choose what I do each day, not the same timetable every week.",
        "",
    ),
    ("Personal budget support", "Help to use a direct payment to buy the activities I want.", ""),
    (
        "Cafe run by us",
        "A community cafe where we work, serve customers and get paid.",
        "Riverside Central",
    ),
    (
        "Charity shop volunteering",
        "Volunteering in a charity shop to learn skills for work.",
        "Northfield",
    ),
    ("Bike riding", "Adapted bikes and trikes in the park on Saturdays.", "Westholme"),
    ("Dance classes", "Street dance and ballroom. Everyone loves dancing.", ""),
    ("Yoga and relaxing", "Gentle yoga to help with stress and sleep.", ""),
    ("Gym sessions", "Gym with an instructor who understands learning disabilities.", "Eastgate"),
    (
        "Keep the Millbrook centre open",
        "People have been going there for 20 years and it is their second home.",
        "Millbrook",
    ),
    ("Smaller groups", "Groups of six or eight, not thirty people in a hall.", ""),
    ("Staff who stay", "The same support workers so we get to know them.", ""),
    ("Trained staff", "Staff trained in autism, communication and positive behaviour support.", ""),
    ("Makaton and signing", "Staff and friends who can sign and use Makaton.", ""),
    (
        "Support for older carers",
        "Parents in their 70s and 80s worry about what happens when they cannot care.",
        "",
    ),
    ("Respite for families", "Activities long enough that carers get a real break.", ""),
    (
        "Carers’ coffee morning",
        "Carers can meet while their son or daughter is at the activity.",
        "St Anne’s",
    ),
    ("Holidays", "Help to go on holiday with friends, with support.", ""),
    ("Day trips", "Trips to the seaside, the zoo and football matches.", ""),
    ("Learning to read", "Reading and writing classes for adults.", ""),
    (
        "College courses",
        "Courses at Riverside College with support in the classroom.",
        "Riverside Central",
    ),
    ("Woodwork", "Making things out of wood, like bird boxes and benches.", "Northfield"),
    ("Animal care", "Working with animals at the city farm.", "Westholme"),
    ("Fishing club", "A quiet fishing club at the lake.", "Westholme"),
    ("Games and quiz night", "Board games, bingo and a quiz in the evening.", ""),
    (
        "Film club",
        "Watch a film together at the cinema once a month with relaxed screenings.",
        "Riverside Central",
    ),
    ("Healthy living", "Learn about healthy food, exercise and looking after ourselves.", ""),
    ("Health checks", "Help to go to the doctor and dentist and understand what they say.", ""),
    (
        "Keeping safe",
        "How to stay safe in town and who to ask for help. Safe places scheme.",
        "Whole borough",
    ),
    ("Hate crime awareness", "Training so we know what hate crime is and how to report it.", ""),
    ("Peer mentors", "People with learning disabilities trained to support others.", ""),
    (
        "Run by us",
        "People with learning disabilities on the board of whoever runs the service.",
        "",
    ),
    ("Say if it is good", "A simple way to say what we like and do not like, every month.", ""),
    (
        "Gardening in the centre",
        "Raised beds at the day centre for people who use wheelchairs.",
        "Eastgate",
    ),
    ("Supported internships", "A year-long internship with a big local employer.", ""),
    (
        "Work at the council",
        "The council should give jobs to people with learning disabilities too.",
        "",
    ),
    ("Market stall", "Selling things we make at the Saturday market.", "Riverside Central"),
    ("Recycling project", "Upcycling furniture and selling it.", "Millbrook"),
    ("Library sessions", "Relaxed sessions at the library with easy read books.", "St Anne’s"),
    ("Sports day", "A sports day every summer for everyone.", ""),
    (
        "Boccia and new age kurling",
        "Sports that everyone can play, including wheelchair users.",
        "",
    ),
    ("Meeting other centres", "Visits and events with day centres in other towns.", ""),
    ("Support at night out", "Someone to go to the pub or a gig with me.", ""),
    ("Gig buddies", "Be matched with a volunteer who likes the same music.", ""),
    ("Mens’ group", "A group for men to talk and do things together.", ""),
    ("Women’s group", "A group for women, for talking about things that matter to us.", ""),
    ("LGBT+ group", "A safe group for people with learning disabilities who are LGBT+.", ""),
    ("Faith and culture", "Activities that respect our religion, food and culture.", ""),
    ("Halal and vegetarian food", "Lunches that everyone can eat.", ""),
    ("Interpreters", "Interpreters for families who do not speak English.", "Eastgate"),
    ("Close to home", "Activities within walking distance, in every ward.", "Whole borough"),
    (
        "Outreach in Northfield",
        "There is nothing in Northfield; people have to travel 40 minutes.",
        "Northfield",
    ),
    (
        "Use community buildings",
        "Use church halls and community centres, not only one big day centre.",
        "",
    ),
    ("Lunch out", "Go out for lunch in cafes instead of always eating in the centre.", ""),
    ("Young adults group", "Something for 18 to 25 year olds leaving school and college.", ""),
    ("Moving on from college", "Help to plan what to do when college finishes.", ""),
    ("Support for autistic adults", "Quiet, predictable activities with clear timetables.", ""),
    (
        "Profound and multiple disabilities",
        "Proper support and equipment so everyone can take part.",
        "",
    ),
    ("Hoists and equipment", "Hoists, adapted tables and accessible minibuses.", ""),
    ("Phone app for timetables", "An app with pictures showing what is on each day.", ""),
    ("Picture timetables", "Timetables with pictures on the wall at every centre.", ""),
    ("Choice of provider", "More than one organisation, so we can choose.", ""),
    (
        "Local charities",
        "Small local groups should be able to run activities, not just big companies.",
        "",
    ),
    ("Fair prices", "Activities should not cost more than our benefits can pay.", ""),
    (
        "Free bus passes for carers",
        "Carers should travel free when they go with us.",
        "Whole borough",
    ),
    (
        "Evening social club",
        "A social club in the evening, like the one that closed.",
        "Riverside Central",
    ),
    ("Learn to cook", "Cooking classes where we make lunch for everyone.", ""),
    ("Gardening group", "A gardening group in the park in spring and summer.", "Northfield"),
    ("Volunteering with animals", "Helping at the animal rescue centre.", "Westholme"),
]
assert len(WORKSHOP) == 96

# The last three workshop ideas repeat earlier ones: (duplicate title, kept title).
MERGES = [
    ("Evening social club", "Evening club"),
    ("Learn to cook", "Cooking lessons"),
    ("Gardening group", "Community garden"),
]

TAKEN_FORWARD = [
    (
        "Evening club",
        "The new service must offer activities until 9pm on at least three evenings a week. This is in the draft specification.",
    ),
    (
        "Paid work placements",
        "Providers will be asked to show how they will find paid work for people, and we will measure it every quarter.",
    ),
    (
        "Travel training",
        "Travel training will be part of the service for everyone who wants it, alongside the council’s transport team.",
    ),
    (
        "Quiet space",
        "Every building used by the service must have a quiet room. We will check this before the contract starts.",
    ),
    (
        "Community garden",
        "We are working with the parks team to offer a plot at Northfield Park from next spring.",
    ),
    ("Cooking lessons", "Cooking and money skills will be part of the core offer in every area."),
    (
        "Changing places toilets",
        "We will only use buildings with a changing places toilet, or pay to put one in.",
    ),
    (
        "Run by us",
        "Bidders will score more if people with learning disabilities help to run the service. People with learning disabilities will be on the panel that chooses the provider.",
    ),
]
NOT_TAKEN_FORWARD = [
    (
        "Keep the Millbrook centre open",
        "The Millbrook building needs repairs the council cannot afford. Activities will move to Millbrook Community Hub, five minutes away, and people who go now will visit it first and help plan the move.",
    ),
    (
        "Holidays",
        "Holidays are outside what this service can pay for. We will share information about holiday grants and the personal budgets team can help.",
    ),
]
UNDER_CONSIDERATION = [
    (
        "Cafe run by us",
        "We are talking to the town centre team about an empty shop that could become a cafe.",
    ),
]
COMMENTS = [
    (
        "Evening club",
        "resident@riverside.example",
        "Yes please! My brother has nothing to do in the evenings and gets very lonely.",
    ),
    (
        "Evening club",
        "provider@riverside.example",
        "The Forum could host this on Tuesday and Thursday nights at our building.",
    ),
    (
        "Paid work placements",
        "resident@riverside.example",
        "My daughter has volunteered for six years. She deserves to be paid.",
    ),
    (
        "Travel training",
        "provider2@riverside.example",
        "We ran travel training last year and 11 people now travel on their own.",
    ),
    ("Quiet space", "resident@riverside.example", "Really important for autistic people like me."),
    (
        "Keep the Millbrook centre open",
        "resident@riverside.example",
        "Please listen to the people who go there.",
    ),
]
REPORTED = (
    "Football team",
    "provider2@riverside.example",
    "Waste of money, these people should just stay at home.",
    "resident@riverside.example",
    "This is insulting to disabled people.",
)
SUPPORTERS = {
    "Evening club": [
        "resident@riverside.example",
        "provider@riverside.example",
        "provider2@riverside.example",
        "commissioner2@riverside.example",
    ],
    "Evening social club": ["resident@riverside.example", "admin@riverside.example"],
    "Paid work placements": [
        "resident@riverside.example",
        "provider@riverside.example",
        "provider2@riverside.example",
    ],
    "Travel training": ["resident@riverside.example", "provider2@riverside.example"],
    "Quiet space": ["resident@riverside.example", "provider@riverside.example"],
    "Cooking lessons": ["provider@riverside.example"],
    "Learn to cook": ["resident@riverside.example", "provider@riverside.example"],
    "Community garden": ["resident@riverside.example"],
    "Gardening group": ["provider2@riverside.example"],
    "Drama group": ["resident@riverside.example"],
    "Keep the Millbrook centre open": ["resident@riverside.example", "provider2@riverside.example"],
    "Cafe run by us": ["provider@riverside.example"],
}

COUNCIL_IDEAS = [
    (
        "resident@riverside.example",
        "More benches along the river path",
        "Older people and disabled people need somewhere to rest every few hundred metres.",
        "riverside-central",
    ),
    (
        "provider@riverside.example",
        "Easy read council tax letters",
        "Many people we support cannot understand the letters and get into debt.",
        "whole-borough",
    ),
    (
        "resident@riverside.example",
        "Free wifi in libraries after hours",
        "Let people use the library wifi from outside in the evening.",
        "st-annes",
    ),
    (
        None,
        "Community fridge in Eastgate",
        "Shops could give unsold food to a shared fridge instead of throwing it away.",
        "eastgate",
    ),
]
COUNCIL_OFFICER = "commissioner@riverside.example"


def _by_title(project, title: str) -> Idea:
    return Idea.objects.filter(project=project, title=title).order_by("pk").first()


def load(users: dict[str, User]) -> dict[str, int]:
    """Create whatever part of the demo ideas is missing. Returns counts created."""
    areas_ensure()
    created = {"ideas": 0}
    officer = users[COUNCIL_OFFICER]
    project = CommissioningProject.objects.filter(title=PROJECT_TITLE).first()
    if project is not None and not Idea.objects.filter(project=project, event_name=EVENT).exists():
        rows = [bulk.Row(i, t, d, a) for i, (t, d, a) in enumerate(WORKSHOP, start=1)]
        created["ideas"] += len(
            ideas_bulk_create(actor=officer, project=project, rows=rows, event_name=EVENT)
        )
    if project is not None:
        for title, emails in SUPPORTERS.items():
            idea = _by_title(project, title)
            for email in emails:
                if (
                    idea.status != Status.MERGED
                    and not Support.objects.filter(idea=idea, user=users[email]).exists()
                ):
                    idea_support(actor=users[email], idea=idea)
        for title, email, body in COMMENTS:
            idea = _by_title(project, title)
            if not Comment.objects.filter(idea=idea, body=body).exists():
                comment_add(actor=users[email], idea=idea, body=body)
        title, author, body, reporter, reason = REPORTED
        idea = _by_title(project, title)
        comment = Comment.objects.filter(idea=idea, body=body).first() or comment_add(
            actor=users[author], idea=idea, body=body
        )
        if not CommentReport.objects.filter(comment=comment).exists():
            comment_report(actor=users[reporter], comment=comment, reason=reason)
        for duplicate, kept in MERGES:
            idea = _by_title(project, duplicate)
            if idea.status != Status.MERGED:
                idea_merge(
                    actor=officer,
                    duplicate=idea,
                    target_reference=_by_title(project, kept).reference,
                    reason=f"People at the workshop wrote this twice. We have joined it with “{kept}”.",
                )
        for decisions, status in (
            (TAKEN_FORWARD, Status.TAKEN_FORWARD),
            (NOT_TAKEN_FORWARD, Status.NOT_TAKEN_FORWARD),
            (UNDER_CONSIDERATION, Status.UNDER_CONSIDERATION),
        ):
            for title, reason in decisions:
                idea = _by_title(project, title)
                if idea.status == Status.OPEN:
                    idea_change_status(actor=officer, idea=idea, to_status=status, reason=reason)
    areas = {a.slug: a for a in Area.objects.all()}
    for email, title, description, area in COUNCIL_IDEAS:
        if Idea.objects.filter(project=None, title=title).exists():
            continue
        idea_submit(
            actor=users[email] if email else AnonymousUser(),
            project=None,
            data=IdeaData(
                title=title,
                description=description,
                area_id=areas[area].pk,
                author_name="" if email else "A Millbrook resident",
            ),
        )
        created["ideas"] += 1
    return created
