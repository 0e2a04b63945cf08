"""Word lists the name rules consult: honorifics, offices, bodies, document types.

The lists hold folded words (lower case, no diacritics), compared with one token at a
time (`names._word`); `FUNCTIONS` lists the roles a participant can have in a record.
"""

from __future__ import annotations

FUNCTIONS = ("sender", "recipient", "via", "author", "speaker", "interpreter", "recorder")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COURTESY = _words(
    "mr mrs ms miss messrs mme mlle madame monsieur herr frau comrade senor señor signor"
)
_HONOURS = _words("""sir dame lord lady dr prof professor rev reverend fr father mgr monsignor cardinal
    bishop archbishop gen general lt-gen lieutenant-general maj-gen major-general brig
    brigadier col colonel lt-col lieutenant-colonel lieutenant lt maj major capt captain
    cdr commander adm admiral vice-admiral rear-admiral marshal field-marshal sgt sergeant
    hon honourable honorable rt dato datuk tunku tun sheikh emir sultan senator king queen
    emperor prince princess""")
_OFFICE_WORDS = _words("""minister ministers secretary secretary-general ambassador ambassadors commissioner
    consul consul-general charge chargé charge' attache attaché officer president
    vice-president premier chairman chairwoman chair director chief head representative
    delegate governor governor-general counsellor councillor adviser advisor assistant
    deputy acting leader envoy agent clerk editor historian chancellor
    speaker mayor spokesman pm administrator commander-in-chief comptroller
    controller registrar treasurer under-secretary undersecretary plenipotentiary
    archivist compiler interpreter correspondent vice chef premier-minister
    secretary-of-state foreign""")
_ORG_WORDS = _words("""department government office embassy legation delegation ministry committee council
    cabinet bureau division section commission consulate mission secretariat headquarters
    party foundation association agency service staff board branch nations assembly
    conference parliament congress senate directorate administration command forces army
    navy institute university society union league company corporation bank posts group
    team authority court tribunal chancery residency members officials representatives
    delegates delegations governments states republic kingdom federation front
    commonwealth newspaper press radio""")
_TYPE_WORDS = _words("""telegram telegrams cable cables cablegram letter letters memorandum memo minute
    minutes note notes report submission savingram despatch dispatch message instruction
    instructions directive circular brief paper record telex radiogram aide-memoire
    aide-mémoire speech statement address petition telephone teleprinter transcript
    decision summary excerpt excerpts extract extracts resolution communique communiqué
    translation broadcast comments remarks copy text
    démarche demarche""")
_TYPE_MODIFIERS = _words("""ciphered coded enciphered confidential secret urgent action information attached
    draft most immediate top personal private official covering full cabinet war
    handwritten telephoned ministerial joint press departmental policy briefing file
    outward inward""")
_PARTICLES = _words(
    "de van von der den la le du da di dos das del bin ibn al el y zu ter ten st st. of"
)
_CONNECTORS = _words("of for to the and in on at by from with via through")
# Words after "of"/"for" that end an office phrase: `Secretary of State`, `Minister for
# External Affairs`; what follows them can be the name.
_OFFICE_ENDS = _words("""state affairs defence defense trade commerce finance treasury industry health
    education justice war navy army interior information council committee board party
    republic union nations assembly foreign""")
_EDITORIAL = frozenset(
    {"?", "sic", "absent", "not present", "cont", "cont.", "illegible", "unclear", "inaudible",
     "laughter", "name not declassified", "text not declassified", "no name given"}
)  # fmt: skip
# Body labels that are header fields or editorial marks, never a speaker.
_NOT_SPEAKER_PHRASES = frozenset(
    {
        "time", "date", "dates", "subject", "subj", "note", "notes", "nb", "n.b", "to",
        "from", "cc", "bcc", "classification", "location", "place", "venue",
        "participants", "present", "interpreter", "interpreters", "recorder", "recorders",
        "note-taker", "notetaker", "priority", "priority level", "already forwarded to",
        "sent to", "approved by", "copied to", "copy", "copies", "contents", "content",
        "dispatch", "summary", "source", "sources", "re", "ref", "reference",
        "references", "attention", "attn", "annex", "enclosure", "enclosures", "agenda",
        "agenda item", "item", "question", "answer", "q", "a", "remarks", "remark",
        "comment", "comments", "conclusion", "conclusions", "result", "results", "ps",
        "p.s", "attachment", "attachments", "translator's note", "translators note",
        "translator’s note", "editor's note", "editor’s note", "editorial note",
        "original", "file", "number", "no", "tel", "telegram", "cable", "memorandum",
        "title", "topic", "origin", "destination", "distribution", "drafted by",
        "cleared by", "via", "info", "action", "for", "with", "encl", "enc", "page",
        "status", "instructions", "proposal", "proposals", "decision", "decisions",
        "recommendation", "recommendations", "background", "purpose", "text", "begins",
        "ends", "message", "draft", "translation", "secret", "top secret", "confidential",
        "urgent", "immediate", "most immediate", "routine", "received", "sent",
        "precedence", "security classification", "restricted", "unclassified",
        "also present", "in attendance", "attendees", "members", "members present",
        "absent", "footnote", "footnotes", "addendum", "appendix", "postscript", "minutes",
        "record", "issue", "issues", "points", "point", "aim", "aims", "objective",
        "objectives", "general", "key facts", "facts", "commentary", "observation",
        "observations", "assessment", "position", "reply", "response", "explanation",
        "example", "examples", "total", "see", "cf", "e.g", "i.e", "viz", "however",
        "address", "addressee", "addressees", "author", "authors", "signed", "signature",
        "stamp", "handwritten", "handwritten note", "marginal note", "resolution",
        "resolved", "agreed", "meeting", "session", "annexure", "part", "section",
        "chapter", "paragraph", "article", "clause", "schedule", "table", "map",
        "telephone", "fax", "telex", "phone", "email", "e-mail", "cable address",
        "ps.", "p.p.s", "nota bene", "memo", "remarks by", "file no", "our ref",
        "your ref", "date of issue", "sender", "recipient", "addressed to",
        "distribution list", "declassified", "approved", "drafted", "cleared",
    }
)  # fmt: skip
