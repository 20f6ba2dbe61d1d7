"""English language pack: frame material (greetings, signatures, contexts) and the pools.

The pools themselves live in en_train.py / en_test.py so each file stays readable.
"""

from training.corpus.packs.base import LanguagePack
from training.corpus.packs.en_test import TEST
from training.corpus.packs.en_train import TRAIN

SLOTS: dict[str, list[str]] = {
    "name": ["Mark Reynolds", "Sarah Collins", "Priya Natarajan", "Tom Becker", "Linda O'Hara",
             "James Whitfield", "Aisha Bello", "Kevin Park", "Rachel Stein", "Derek Moss",
             "Olivia Grant", "Sam", "Jen", "Mike", "Carla Mendes", "Nathan Hughes",
             "Gloria Fitzgerald", "Brian Kowalczyk", "Hannah Lee", "Raj Malhotra"],
    "agent": ["Emma", "Daniel", "support team", "Chris", "Megan", "team", "Alex", "Ms. Patel",
              "Mr. Novak", "Jordan", "Sophie", "all", "Ryan"],
    "company": ["Brightline Logistics", "Nimbus Apps", "Harbor & Finch", "QuickFix Appliances",
                "GreenLeaf Bistro", "Summit Realty", "Pixelcraft Studio", "Northway Bank",
                "LinkWave Telecom", "SkillPath Academy", "Crate & Copper Supply", "Fernway Homes"],
    "product": ["espresso machine", "standing desk", "laptop", "washing machine", "sofa",
                "phone case", "router", "winter jacket", "office chair", "dishwasher",
                "pair of boots", "TV", "air fryer", "printer"],
    "service": ["website redesign", "monthly bookkeeping", "fibre internet plan", "kitchen repair",
                "SEO package", "catering order", "online course", "cloud backup plan",
                "apartment viewing", "logo design", "moving service"],
    "order": ["#48213", "#99120", "#10457", "A-33871", "#77002", "#5521-B", "#300918", "#61240",
              "INV-2291", "#84630", "TK-10293"],
    "amount": ["$49", "$120", "$380", "$1,250", "£89", "$15", "$2,400", "£640", "$75", "$9.99",
               "$560"],
    "days": ["3", "5", "7", "10", "12", "two", "three", "four", "14", "21"],
    "date": ["March 3", "the 14th", "last Monday", "June 21", "the 2nd", "October 9",
             "last Friday", "the 28th"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "hour": ["2", "3", "4", "5", "11", "1", "6"],
    "city": ["Leeds", "Austin", "Denver", "Manchester", "Toronto", "Phoenix", "Bristol",
             "Portland", "Dublin", "Sydney"],
    "plan": ["Pro", "Business", "Premium", "Starter", "Team", "Enterprise", "Basic"],
}

GREETINGS_EMAIL = [
    "Hi {agent},", "Hello,", "Dear {agent},", "Hi there,", "Good morning,", "Hello {agent},",
    "To whom it may concern,", "Dear Sir or Madam,", "Hey {agent},", "Good afternoon,", "Hi all,",
    "Dear support team,", "Hi,", "Evening,",
]
GREETINGS_CHAT = ["hi", "hello", "hey", "", "", "", "yo", "hi there", "good evening", "helloooo",
                  "hey guys", "excuse me", "um hi", "morning"]
CLOSINGS_EMAIL = [
    "Kind regards,", "Best,", "Thanks,", "Regards,", "Best regards,", "Sincerely,", "Cheers,",
    "Thank you,", "Waiting for your reply,", "Thanks in advance,", "Respectfully,", "--",
]
SIGNATURES = [
    "{name}", "{name}\n{company}", "{name}\nOperations Manager\n{company}\nTel. +1 555 0134",
    "{name}\nSent from my iPhone", "{name} | Procurement | {company}",
    "{name}\nFounder, {company}\nwww.example.com", "Sent from my Android device",
    "{name}\nHead of Finance\n+44 20 7946 0321", "-- \n{name}\n{city}",
    "{name}\nOffice Manager, {company}\nMobile: +1 555 0188",
]
DISCLAIMERS = [
    "CONFIDENTIALITY NOTICE: This e-mail and any attachments are intended only for the named "
    "recipient and may contain privileged information. If you received it in error, please "
    "delete it and notify the sender.",
    "Please consider the environment before printing this email.",
    "This message was scanned for viruses. The sender accepts no liability for any damage "
    "caused by this email.",
    "Any views expressed in this message are those of the individual sender and do not "
    "necessarily reflect the views of the company.",
    "This email is confidential. Unauthorised use, copying or disclosure is prohibited.",
    "Our office hours are 8am-4pm Monday to Thursday. Replies may be delayed outside these hours.",
]
QUOTE_HEADERS = [
    "On {date}, {name} wrote:", "On {date} {name} <client@example.com> wrote:",
    "-----Original Message-----\nFrom: {name}\nSent: {date}\nTo: support@example.com\n"
    "Subject: RE: {order}",
    "From: {name}\nSent: {date}\nTo: Customer Service\nSubject: Re: your ticket",
    "---------- Forwarded message ---------\nFrom: {name}\nDate: {date}",
    "> On {date}, {name} wrote:",
]
CONTEXTS: dict[str, list[str]] = {
    "shop": ["I ordered a {product} from your online store on {date}.",
             "This is about my order {order}, the {product}.",
             "I bought a {product} from you two weeks ago.",
             "Regarding the {product} I returned last week."],
    "delivery": ["My parcel {order} was supposed to arrive on {date}.",
                 "Your courier was booked to deliver to {city} between 9 and 12.",
                 "The tracking for {order} has said 'out for delivery' for {days} days.",
                 "I'm writing about the freight shipment to our {city} warehouse."],
    "saas": ["We're on the {plan} plan of your software with 25 seats.",
             "Our team has used your platform for about a year now.",
             "This concerns our workspace subscription, invoice {order}.",
             "Since the last update the dashboard loads very slowly for us."],
    "agency": ["Your agency is handling our {service}.",
               "We signed off on the {service} proposal in {date}.",
               "This is regarding the second round of designs you sent over.",
               "You've been running our ad campaign since spring."],
    "b2b": ["We are a regular wholesale customer, PO {order}.",
            "Our last pallet of supplies arrived at the {city} site on {date}.",
            "I handle procurement for {company}.",
            "This concerns the quarterly supply contract between our companies."],
    "bank": ["I have a current account with you and a credit card ending in 4471.",
             "There is a card payment of {amount} on my statement I'm writing about.",
             "I applied for a small business loan with your branch in {city}.",
             "My transfer of {amount} from {date} still hasn't reached the recipient."],
    "telecom": ["I have a mobile contract with you on the {plan} tariff.",
                "Our home internet has been dropping several times a day.",
                "My phone bill for this month came to {amount}.",
                "I asked to port my number to your network on {date}."],
    "repairs": ["Your technician came to fix our {product} on {date}.",
                "I booked a plumber through your service for a leaking pipe.",
                "The {product} you repaired broke again after {days} days.",
                "We hired your team for the bathroom renovation."],
    "courses": ["I enrolled in your online course in data analysis.",
                "My daughter attends your weekend English classes.",
                "I paid {amount} for the certification programme.",
                "This is about the webinar series I signed up for."],
    "restaurant": ["We had dinner at your restaurant on {date}.",
                   "I ordered delivery from your kitchen last night.",
                   "We booked a table for twelve for a birthday party.",
                   "This is about the catering you provided for our office event."],
    "real_estate": ["I'm renting the flat on Elm Street through your agency.",
                    "We viewed the house in {city} with your agent on {date}.",
                    "Your company manages the building where I rent an apartment.",
                    "I put down a deposit of {amount} for the two-bedroom flat."],
}
SUBJECTS = ["Order {order}", "Complaint", "URGENT", "Re: your invoice", "Refund request",
            "Question about my account", "Still waiting", "Problem with delivery", "Fwd: contract",
            "Cancellation", "Need help", "RE: RE: ticket {order}"]
CHAT_NOISE: dict[str, list[str]] = {
    "fillers": ["lol", "tbh", "pls", "omg", "ngl", "fr", "bruh", "smh", "idk", "btw", "ok so",
                "seriously", "like"],
    "typos": ["please>plz", "you>u", "your>ur", "are>r", "because>cuz", "really>rly",
              "tomorrow>tmrw", "people>ppl", "received>recieved", "separate>seperate",
              "thanks>thx", "don't>dont", "I'm>im", "definitely>definately"],
}

PACK = LanguagePack(
    lang="en",
    slots=SLOTS,
    greetings_email=GREETINGS_EMAIL,
    greetings_chat=GREETINGS_CHAT,
    closings_email=CLOSINGS_EMAIL,
    signatures=SIGNATURES,
    disclaimers=DISCLAIMERS,
    quote_headers=QUOTE_HEADERS,
    contexts=CONTEXTS,
    subjects=SUBJECTS,
    train=TRAIN,
    test=TEST,
    chat_noise=CHAT_NOISE,
)
