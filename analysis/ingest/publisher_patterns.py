"""The shapes of publisher cues as regular expressions (lead tags, wire datelines, source,
credit, copyright, contributor and byline lines, domains), and how far into the lead and
the tail of an article a publisher puts itself. analysis.ingest.publisher decides with them."""
from __future__ import annotations

import re

LEAD_LINES = 6       # title, caption lines and the first paragraph
NAME_LINES = (3, 2)  # a masthead: among the first three or the last two lines (a name line
#                      further in introduces a transcript or a quote: "MSNBC / Hardball / June 22")
LINK_WORDS = re.compile(r"(?i)\b(?:watch|video|videos|embed|player|listen)\b|/embed")
TAIL_LINES = 6
DOMAIN_LINE_CHARS = 160
PROMO_LINE_CHARS = 160

MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
WORD = r"[A-Z][\w&'’.-]*"
ABBREV = r"\b(?:Dr|Jr|Sr|St|Mr|Ms|Mrs|Rev|Gen|Sen|Rep|Gov|[A-Z])\."
NAME = rf"{WORD}(?:[ ]+(?:{WORD}|of|the|and|&|de|du|for)){{0,5}}"
NAME1 = rf"{WORD}(?:[ ]+(?:{WORD}|of|the|&|de|du)){{0,5}}"        # one name: no "and" in a list
PLACE = r"[A-Z][A-Za-z'’.-]+(?:[ /-][A-Za-z'’.-]+){0,3}(?:,[ ]+[A-Z][A-Za-z'’.-]+(?:[ ][A-Z][A-Za-z'’.-]+){0,2})?"

# Washington (CNN)The ...  /  (CNN) -- ...  /  KABUL, Afghanistan (AP) — ...  /  BEIJING, Jan. 5 (Xinhua) --
LEAD_TAG = re.compile(
    rf"^(?P<place>{PLACE})?(?:,?[ ]+(?P<mon>{MON})[ ]+(?P<day>\d{{1,2}})(?:,[ ]+(?P<year>\d{{4}}))?)?[ ]*"
    r"\((?P<name>[A-Z][\w&'’.\- ]{0,40}?)\)[ ]*(?:[-–—]+[ ]*|:[ ]+|(?=[A-Z“\"‘']))")
# MOSCOW, March 25. /TASS/.
SLASH_TAG = re.compile(rf"^(?P<place>{PLACE}),[ ]+(?P<mon>{MON})[ ]+(?P<day>\d{{1,2}})\.?[ ]*/(?P<name>[A-Z][\w .-]{{1,30}})/\.?")
NOT_A_TAG = re.compile(r"(?i)\b(?:photo|photos|video|file|image|images|updated?|live|watch|listen|opinion|"
                        r"analysis|exclusive|audio|graphic|map|pictured|center|left|right|top|bottom|"
                        r"[RDI]-[A-Z][a-z]*|[RDI]-[A-Z]{2})\b|^\d")
SYNDICATED = re.compile(r"\b(?:originally|first)[ ]+(?:appeared|published|ran|posted)[ ]+(?:on|in|at|by)[ ]+"
                         r"(?:the[ ]+)?(?P<name>[A-Za-z0-9][\w&'’.-]*(?:[ ]+[A-Z][\w&'’.-]*){0,4}?)"
                         r"(?:[ ]+(?:on|and|in)\b|[,;:]|\.?$)|^Republished[ ]+(?:with permission[ ]+)?from[ ]+"
                         r"(?:the[ ]+)?(?P<name2>[A-Z][\w&'’.-]*(?:[ ]+[A-Z][\w&'’.-]*){0,4})|"
                         r"\b(?:in[ ]+(?:partnership|collaboration)[ ]+with|collaboration[ ]+between|produced[ ]+by)[ ]+"
                         r"(?:the[ ]+)?(?P<name3>[A-Z][\w&'’.-]*(?:[ ]+[A-Z][\w&'’.-]*){0,4})", re.I)
COLUMNIST = re.compile(r"\b(?:is|was)[ ]+(?:an?[ ]+|the[ ]+)?(?:[\w-]+[ ]+){0,3}(?:columnist|syndicated)\b", re.I)
# a newsroom's address: a staff contact ("Write to Jane Roe at jroe@..."), the page's own ("send it to us at");
# (a bio's "Email:" or "Contact:" is a person's, at the newsroom or at its parent company: only when the bio names it)
OWN_MAIL = re.compile(r"^Write[ ]+to[ ]+[A-Z]|\b(?:us|our|your)\b[^.@]{0,80}?\b(?:at|to)[ ]+[\w.+-]+@", re.I)
WEBMAIL = re.compile(r"^(?:gmail|googlemail|yahoo|hotmail|outlook|aol|icloud|me|mac|msn|live|protonmail|proton|"
                     r"mail|gmx|zoho|yandex|comcast|verizon|att)\.|\.(?:gov|mil|edu)$|\.(?:ac|gov)\.[a-z]{2}$")
EMAIL = re.compile(r"\b[\w.+-]+@(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)\b", re.I)
# staff roles; a columnist's bio names the home paper of a syndicated column, so not "columnist"
ROLE = r"(?:writer|editor|reporter|correspondent|producer|intern|anchor|host|bureau chief|contributor|analyst)s?"
BIO = re.compile(rf"\b(?:is|was|are)[ ]+(?:an?[ ]+|the[ ]+)?(?:[\w-]+[ ]+){{0,4}}{ROLE}\b(?!-)[^.;]{{0,40}}?\b(?:at|for|of|with|to)[ ]+"
                  rf"(?:the[ ]+)?(?P<name>{NAME})|\b(?:is|was|are)[ ]+(?:an?[ ]+)?(?P<name2>{NAME})['’]?s?[ ]+(?:[\w-]+[ ]+){{0,2}}{ROLE}\b(?!-)")
SELF_PROMO = re.compile(r"(?:^|[.!?:,][ ]+|\b(?:and|or)[ ]+)(?:subscribe|sign up|support|for more|download|listen|follow|get|"
                         r"read more|see more|join|become a (?:member|subscriber)|stay up to date|never miss|"
                         r"(?:previously|elsewhere) (?:in|on))\b(?P<rest>.*)$", re.I)
CONTRIB_OF = re.compile(rf"^[A-Z][\w.'’-]+(?:[ ]+[A-Z][\w.'’-]+){{0,3}}[ ]+of[ ]+(?:the[ ]+)?(?P<name>{NAME1})[ ]+"
                         r"contributed\b[^.]{0,40}\.?$")
DISCLAIMER = re.compile(rf"\b(?:do|does)[ ]+not[ ]+(?:necessarily[ ]+)?(?:reflect|represent)[ ]+the[ ]+"
                         rf"(?:[\w-]+[ ]+){{0,3}}(?:views?|opinions?|positions?|policy)[ ]+of[ ]+(?P<rest>.+)$|"
                         rf"^Content[ ]+(?:created|produced)[ ]+by[ ]+(?:the[ ]+)?(?P<name>{NAME1})", re.I)
# a bio line starts with the person it describes: "— Kevin D. Williamson is National Review's ..."
BIO_SUBJECT = re.compile(r"^[—–-]*[ ]*[A-Z][\w.'’-]+(?:[ ]+(?:[A-Z][\w.'’-]+|and|&)){0,6}[ ]+(?:is|was|are)\b")
# a domain cited, not the page's own: "told CBSNews.com", "according to azcentral.com", "Silver of FiveThirtyEight.com"
CITED_BEFORE = re.compile(r"(?i)\b(?:told|according[ ]+to|reported|reports|wrote|writes|said|says|aired|of|by|"
                          r"streaming(?:[ ]+live)?[ ]+on|(?:headline|story|article|piece|report)[ ]+(?:at|on|in))[ ]*$")
TWEET = re.compile(r"^(?:RT[ ]+)?\??@\w+:|\(@\w+\)[ ]+[A-Z][a-z]+[ ]+\d")
DISCLOSURE = re.compile(rf"\bparent(?:[ ]+company|[ ]+corporation)?[ ]+of[ ]+(?P<name>{NAME})|"
                         rf"(?P<name2>{NAME})['’]s?[ ]+parent\b")
CONTRIBUTING = re.compile(rf"^Contributing(?:[ ]+reporting)?[ ]*:[ ]*(?:The[ ]+)?(?P<name>{NAME})\.?$")
# A document embed's caption names the outlet that uploaded it, known to the table or not.
# (Subscription prompts and staff bios naming an outlet the table does not know were
# tried too: on the tune half they named more wrong outlets than right ones.)
EMBED = re.compile(rf"\bby[ ]+(?P<name>{NAME1})[ ]+on[ ]+Scribd\b")
EDITOR_NOTE = re.compile(r"^Editor['’]?s['’]?[ ]+note[ ]*:", re.I)
BRAND = re.compile(r"\b[A-Z]{2,}\b|[a-z][A-Z]|\.(?:com|org|net)\b")
SOURCE_LINE = re.compile(r"^\(?[ ]*Source[ ]*[:：][ ]*[-–—]*[ ]*(?P<name>[^()]{2,80}?)[ ]*\)?\.?$", re.I)
CREDIT_PAGE = re.compile(r"^\((?P<name>[A-Z][\w&'’. -]{2,60}?)[ ]+(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
                          r"[ ]+page[ ]*\w*\)$", re.I)
CREDIT_TO = re.compile(rf"^\[?\(?(?:photo[ ]+)?(?:provided|supplied|special|exclusive|written|produced)[ ]+"
                        rf"(?:to|for)[ ]+(?P<name>{NAME})[ ]*\]?\)?\.?$", re.I)
CONTRIB_STAFF = re.compile(rf"(?:^|,[ ]*|\band[ ]+|[—–-][ ]*)(?:The[ ]+)?(?P<name>{NAME1})"
                            rf"(?:['’]s?|[ ]+(?:staff[ ]+)?(?:reporter|correspondent|writer|producer)s?)[ ]+(?P<who>[A-Z](?:[^.]|{ABBREV}){{2,120}}?)[ ]+"
                            r"contributed\b[^.]{0,40}\.?$")
# — Additional reporting by CNBC's Eamon Javers.  /  With reporting by NBC News' Jane Doe
REPORTING_BY = re.compile(rf"^[—–-]*[ ]*(?:additional|further|with|and)?[ ]*reporting[ ]+(?:was[ ]+)?(?:by|from)[ ]+"
                           rf"(?:the[ ]+)?(?P<name>{NAME1})['’]s?[ ]+[A-Z]", re.I)
# "This commentary is from The Chronicle’s editorial board", "the editorial board of the Tribune"
EDITORIAL = re.compile(rf"(?:^|[.][ ]+)(?:This|The)[ ]+(?:editorial|commentary|opinion|column)[^.]{{0,40}}?\b(?:from|by|of|represents)"
                        rf"[ ]+(?:the[ ]+)?(?P<name>{NAME1})['’]s?[ ]+(?:editorial board|editors)\b|"
                        rf"^(?P<name2>{NAME1})['’]s?[ ]+editorial (?:opinions|positions|views)[ ]+are\b")
# "This article appears in the December 5, 2016, issue of National Review." (a magazine's own print issue)
PRINT_ISSUE = re.compile(rf"\b(?:This|It)[ ]+(?:(?:article|story|piece|essay|column|review)[ ]+)?(?:first[ ]+)?"
                          rf"(?:appears|appeared|ran)[ ]+in[ ]+the[ ]+[^.]{{0,40}}?\b(?:print[ ]+)?(?:issue|edition)[ ]+of[ ]+"
                          rf"(?:the[ ]+)?(?P<name>{NAME1})")
# "Subscribe to Block Club Chicago." / "Support JSTOR Daily!": an imperative that ends with the name
SUPPORT_US = re.compile(rf"(?:^|[.!?][ ]+)(?:subscribe to|support|become a (?:member|subscriber) of|donate to)[ ]+"
                         rf"(?:the[ ]+)?(?P<name>{NAME1})(?:[ ]+today)?[.!](?:[ ]|$)", re.I)
# "did not respond to The Hill’s request for comment", "a request for comment from CNBC"
COMMENT_REQUEST = re.compile(rf"\b(?P<name>{NAME1})['’]s?[ ]+(?:requests?|inquiry|inquiries|questions)[ ]+for[ ]+comment\b|"
                              rf"\b(?:requests?|inquiry|inquiries)[ ]+for[ ]+comment[ ]+from[ ]+(?:the[ ]+)?(?P<name2>{NAME1})")
PLAIN_NAME = r"[A-Z][\w&.-]*(?:[ ]+(?:[A-Z][\w&.-]*|of|the|&)){0,5}"
CONTRIB_OUTLET = re.compile(rf"^(?:The[ ]+)?(?P<name>{PLAIN_NAME})[ ]+contributed[ ]+(?:to[ ]+)?(?:this[ ]+)?"
                             r"(?:report|story|article|reporting)\.?$")
COPYRIGHT = re.compile(r"^[ •*·|-]*(?:©|\(c\)|copyright\b)[ ]*(?:©[ ]*|copyright[ ]+)?(?P<year>(?:19|20)\d\d(?:[ ]*[-–][ ]*\d{2,4})?)?"
                        r"[ ]*,?[ ]*(?P<name>[A-Z][\w&'’.-]*(?:[ ]+[A-Z&][\w&'’.-]*){0,5})", re.I)
BYLINE = re.compile(rf"^By[ ]+(?P<who>[A-Z][\w.'’-]+(?:[ ]+[A-Z][\w.'’-]+){{0,3}}"
                     rf"(?:[ ]*(?:,|and|&)[ ]*[A-Z][\w.'’-]+(?:[ ]+[A-Z][\w.'’-]+){{0,3}})*)"
                     rf"[ ]*(?:,|\||—|–|-|/|[ ]for[ ])[ ]*(?P<name>{NAME})$")
TITLE_SUFFIX = re.compile(rf"[ ]+[|–—-][ ]+(?P<name>{NAME})$")
SELF_DESCRIBED = re.compile(rf"^(?P<name>{NAME}) is (?:the|a|an) (?:[\w,-]+ ){{0,4}}(?:news agency|newspaper|"
                             r"news site|news website|news outlet|broadcaster|news channel|tv channel|"
                             r"magazine|news organi[sz]ation|media outlet|newsroom|news service|"
                             r"wire service|publication|news network)\b")
# in the closing lines only, an organisation's "about" note: "The RAND Corporation is a nonprofit institution that ..."
# (in the lead, such a sentence introduces a source: "Better Angels is a citizens organization founded in 2016")
ABOUT_ORG = re.compile(rf"^(?:The[ ]+)?(?P<name>{NAME}) is (?:a|an|the) (?:[\w,-]+ ){{0,4}}(?:nonprofit|non-profit|nonpartisan|"
                       r"think tank|research (?:institution|organi[sz]ation|center)|institution|foundation|"
                       r"advocacy (?:group|organi[sz]ation)|organi[sz]ation)\b")
WEBSITE = re.compile(rf"^(?P<name>{NAME})['’]s (?:official )?website\b")
DOMAIN = re.compile(r"(?<![\w@./-])(?:https?://)?(?:www\d?\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
                     r"(?:com|org|net|co\.uk|co|ir|af|cn|ru|in|pk|de|fr|tv|news|io|us|ly|ws))\b", re.I)
CORPORATE = re.compile(r"\b(?:news|times|post|press|journal|herald|tribune|media|daily|gazette|telegraph|"
                        r"chronicle|review|magazine|monitor|network|radio|tv|broadcasting|agency|observer|"
                        r"standard|mail|express|globe|examiner|register|courier|inquirer|guardian|"
                        r"independent|wire|online|llc|inc|ltd|corp|company|group)\b|\.(?:com|org|net)\b", re.I)
CORP_SUFFIX = re.compile(r"(?:,?[ ]+(?:LLC|L\.L\.C\.|Inc\.?|Ltd\.?|L\.P\.|LP|Corp\.?|Co\.|PLC|plc|GmbH))+\.?$")
NOT_PUBLISHER = re.compile(r"(?i)\b(?:images?|photos?|photography|via|pictures?|stock|video|caption|"
                            r"reserved|all|this|our|my|your|his|her)\b")    # ("All rights reserved"; "Human Rights Watch" is a name)
# A name that is only "The" and one word any newspaper calls itself by ("The Chronicle", "the
# Times", "The Post"): which outlet it is needs a longer name from another cue.
GENERIC_NAME = re.compile(r"(?i)^(?:the[ ]+)?(?:news|times|post|press|journal|herald|tribune|daily|gazette|telegraph|"
                           r"chronicle|review|magazine|monitor|observer|standard|mail|express|globe|examiner|register|"
                           r"courier|inquirer|paper|newspaper|newsroom|outlet|site|website|publication)$")
