"""Hand-written example utterances per emotion: the prototypes of the zero-shot text recognizer.

Written for this project (not taken from any data set), in the register of spoken conversation.
"""

EXEMPLARS: dict[str, list[str]] = {
    "neutral": [
        "Okay.", "What time is it?", "I'm going to the store later.", "We talked about it yesterday.",
        "So what do you want to do tonight?", "It's on the table.", "Yeah, I guess so.",
        "He said he'd call back tomorrow.", "Let me check my schedule.", "The meeting is at ten.",
        "I'll have the coffee, thanks.", "Right, so then we take the train.",
    ],
    "joy": [
        "I'm so happy!", "This is the best day ever!", "I got the job!", "That's wonderful news!",
        "I love it, thank you so much!", "We did it!", "Yay, that's great!", "I'm really excited about this.",
        "Haha, that's hilarious!", "I passed my exam!", "I feel amazing today.", "Congratulations, that's fantastic!",
    ],
    "sadness": [
        "I'm so sad.", "I miss her so much.", "I failed my exam.", "I lost my job today.",
        "Nobody cares about me.", "My dog died yesterday.", "I feel so lonely.", "I just want to cry.",
        "It's over between us.", "I'm really disappointed.", "I feel empty and hopeless.", "I'm sorry, I really messed up.",
    ],
    "anger": [
        "I'm so angry right now!", "How dare you!", "That's completely unfair!", "Get out of my room!",
        "You lied to me!", "Stop it, I'm sick of this!", "This is ridiculous!", "I can't stand him!",
        "Don't you ever do that again!", "They cheated me out of my money!", "Shut up!", "I'm furious with you.",
    ],
    "fear": [
        "I'm scared.", "What if something happens to him?", "I'm so nervous about tomorrow.",
        "Oh no, I think someone's in the house.", "I'm terrified of flying.", "Please don't leave me alone.",
        "I'm worried I'll fail.", "What are we going to do?", "I'm afraid to tell her.",
        "My heart is pounding.", "I have a bad feeling about this.", "I'm anxious about the results.",
    ],
    "disgust": [
        "Ew, that's gross!", "That's disgusting.", "Yuck, it smells awful.", "I can't believe he would do something so vile.",
        "That makes me sick.", "Ugh, get that away from me.", "How revolting.", "Eww, is that hair in my food?",
        "That's just nasty.", "I'm appalled by what they did.", "Gross, don't touch me with that.", "Ugh, he's so creepy.",
    ],
    "surprise": [
        "What?!", "Really?", "Oh my God!", "No way!", "Are you serious?", "I can't believe it!",
        "Wow, I didn't expect that!", "You're kidding!", "Wait, what did you just say?", "Since when?",
        "Whoa, that's a surprise!", "You did what?",
    ],
}
