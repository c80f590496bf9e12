package offline

// enLexicon is the English sentiment lexicon. Scores run from -3 to +3.
// Inflected plurals are generated; verb forms are listed.
var enLexicon = []group{
	// Positive.
	sent(3, "excellent|amazing|awesome|fantastic|wonderful|perfect|outstanding|superb|incredible|brilliant|"+
		"terrific|fabulous|phenomenal|exceptional|flawless|flawlessly|magnificent|marvelous|marvellous|spectacular|"+
		"love|loved|loves|loving|best|gorgeous|stunning|top notch|first rate|second to none|love it|a must have|"+
		"highly recommend|highly recommended|worth every penny|five stars|5 stars|10 10|blown away|mind blowing|"+
		"exceeded my expectations|exceeds expectations|couldn't be happier|could not be happier|can't go wrong|cannot go wrong|"+
		"best purchase|no brainer|game changer|works like a charm|beyond my expectations"),
	sent(2.5, "great|impressive|impressed|delighted|thrilled|beautiful|beautifully|lovely|favorite|favourite|"+
		"awesomeness|perfectly|superior|well made|well built|well designed|well worth|worth it|enjoying|"+
		"wow|excited|exciting|pleasantly surprised|glad i bought|happy with|pleased with|satisfied with|"+
		"recommend it|recommend this|would recommend|definitely recommend|sturdy|rock solid|"+
		"reliable|durable|long lasting|lasts forever|adore|adorable|fast shipping|exactly what i needed|exactly as described"),
	sent(2, "good|nice|happy|pleased|satisfied|satisfying|enjoy|enjoyed|enjoys|fun|cool|"+
		"easy|easier|effortless|intuitive|convenient|handy|useful|helpful|helps|practical|"+
		"fast|faster|fastest|quick|quicker|speedy|snappy|smooth|smoothly|responsive|seamless|seamlessly|"+
		"powerful|efficient|sleek|stylish|elegant|classy|attractive|cute|crisp|vibrant|sharp|"+
		"lightweight|comfortable|comfy|quiet|solid|well|recommend|recommended|recommending|worth|"+
		"bargain|affordable|value for money|great value|good value|great price|good price|well priced|"+
		"accurate|precise|clear|clearer|bright|brighter|rich|loud and clear|immersive|"+
		"works great|works well|work well|worked well|working well|works perfectly|works fine|working great|"+
		"works as expected|works as advertised|as advertised|as described|as expected|as promised|"+
		"no complaints|no problems|no issues|no problem|never had a problem|never had an issue|"+
		"love the|love my|love how|love that|thank you|thanks|grateful|blessing|lifesaver|life saver|"+
		"improved|improvement|upgrade|upgraded|must have|perfect fit|fits perfectly|fits great|fits well|"+
		"stable|robust|versatile|portable|compact|spacious|roomy|generous|a plus|plus side|bonus|"+
		"user friendly|easy to use|easy to set up|easy to install|simple to use|straightforward|"+
		"fantastically|wonderfully|nicely|greatly|happily|perfection|excellence|quality product|high quality|top quality|"+
		"5 star|five star|4 stars|four stars|a+|a1|kudos|bravo|hooked|addicted|obsessed|winner|worth the money|worth the price"),
	sent(1.5, "like|liked|likes|fine|decent|reasonable|reasonably|inexpensive|cheap price|"+
		"long battery life|lasts|lasted long|holds a charge|holds up|held up|"+
		"simple|clean|neat|fair|solidly|functional|capable|efficiently|"+
		"improves|strong|fits|secure|safe|safely|soft|warm|cozy|smart|clever|"+
		"helpfully|correctly|properly|well worth it|light weight|glad|enjoyable|pleasant|pleasure|"+
		"worked|working|works|work|functions|runs|performs|performed|delivers|"+
		"recommendable|favorably|positive|positives|pros|pro|benefit|benefits|advantage|advantages|"+
		"thankful|appreciate|appreciated|sufficient|adequate|plenty|ample|spot on|on point|dependable|consistent"),
	sent(0.5, "ok|okay|alright|all right|acceptable|not bad|passable|tolerable|well|expected"),
	sent(-2, "not what i expected|not as expected|not as described|not as advertised|than expected|not like the picture"),
	sent(-1.5, "only issue|only problem|only complaint|only downside|only con|only thing|only negative|the downside|downside is|"+
		"too much|too many|too little|too few|too high|too low|my only|one complaint|one issue|one problem"),

	sent(3, "greatest|astonishing|above and beyond|cannot be beat|can't be beat|can't beat|cannot beat|hard to beat|"+
		"can't imagine|cannot imagine|couldn't live without|can't live without|cannot live without|can not live without|"+
		"cannot be happier|can't be happier|could not be happier|couldn't ask for more|could not ask for more|"+
		"rocks|rocked|stellar|top of the line|best ever|ever made"),
	sent(2.5, "easiest|nicest|coolest|amazed|awe|in awe|speechless|workhorse|stands out|stand out|standout|"+
		"serves all my needs|serves my needs|meets my needs|met my needs|all my needs|everything i need|everything i needed|"+
		"gets the job done|does the job|does the trick|did the job|with ease|a snap|ease of use|"+
		"recomend|reccomend|reccommend|recomended|reccomended|recommened|wonderfull|awsome|excelent|beatiful"),
	sent(1.5, "easily|insane|ideal|loyal|portability|longevity|reliability|early|ahead of schedule|on time"),
	sent(-3, "don't waste|do not waste|dont waste|recommend not|recommend against|recommend any other|paperweight|"+
		"paper weight|lame|idiots|idiot|pile of|good luck with that|blue screen|burned my|burns my|burn my|"+
		"never buy|never purchase|never again buy|won't buy|will not buy|wont buy|not buy another|will not purchase|"+
		"won't be buying|will never buy|never buying|never purchasing|stay far away|stay away from"),
	sent(-2.5, "dislike|dislikes|disliked|nasty|snapped|torture|excuses|bummer|down fall|downfall|unconcerned|"+
		"over rated|overrated|shuts off|shut off|shuts down|shut down|goes black|went black|goes out|went out|"+
		"crapping out|craps out|crapped out|conks out|virus|viruses|malware|spyware|no help|useless support|"+
		"be careful|expected better|expected more|should be better|lie|lies|exaggeration|denied|messy|"+
		"rip off|ripped off|sent it in|send it in|sent back|in for repair|repaired|repairs|repair|"+
		"at best|razor sharp|snail|hurt|hurts|painful"),
	sent(-1.5, "fixed|fix|would like|i'd like|needs more|needs a|need more|needs better|needs longer|wish it|i wish|"+
		"discharges|tiring|tiresome|cumbersome|cubersome|powerless|waited|hoops|hassles"),

	sent(-2.5, "then quit|then stopped|then died|then broke|burned out|burnt out|fell out|fell off|came off|come off|"+
		"comes off|coming off|coming apart|came apart|comes apart|falls off|falling off|fail|rip|rips|tear|tears|"+
		"scuffs|scuffed|chipped|chips|dried out|sham|phony|be very careful|very careful|not as pictured|not as shown|"+
		"wasting|save your money|not worth the money|not worth the price|returning this|return this|returned this"),
	sent(-1.5, "only had|after only|for only|only lasted|only a few|only one|that's about it|not eligible|undesirable|"+
		"doesn't fit|does not fit|didn't fit|did not fit|too small|too big|way too|runs small|runs big|runs large"),
	mk(kInt, 1.5, "never been more|never been so|never been this|never been as"),
	sent(2.5, "regret nothing|no regrets|don't regret|do not regret|never regret|won't regret|will not regret|"+
		"what's not to like|whats not to like|never ceases to amaze|never disappoints|never fails to|"+
		"wish i bought|wish i'd bought|wish i got|wish i'd gotten|wish i had gotten|up and running"),
	sent(1.5, "fortunately|luckily|thankfully"),
	sent(-0.5, "would love|would be nice|would be great|would be better|would be awesome|eh"),
	sent(-2, "when it was working|when it worked|while it worked|while it lasted|when it works|"+
		"keeps rebooting|keeps restarting|keeps buffering|buffering|keeps dropping|excitement gone|nope"),
	sent(-2.5, "is a joke|what a joke|a total joke|a complete joke"),
	mk(kBlock, 0, "scratched the surface|scratch the surface|don't get me wrong|dont get me wrong|tells jokes|tell jokes|"+
		"tell me a joke|tells me jokes"),
	sent(2, "should have bought|wish i had bought|wish i'd bought|wish i had done this|should have done this|"+
		"should have switched|wish i had switched|can't say enough|cannot say enough|can't say enough good"),
	sentNeg(0.2, -2.5, "received|arrived|came|delivered|shipped|got it"),

	// Verbs of function: negation is much stronger than assertion.
	sentNeg(1, -2.5, "works|work|worked|working|function|functions|functioned|functioning|fits|lasts|last"),
	sentNeg(0.3, -2, "help|helped|runs|run|understand|understands|understood|recognize|recognizes|respond|responds|hear|hears|connect|connects|"+
		"charge|charges|turn on|turns on|stay|stays|hold|holds|sync|syncs|pair|pairs|load|loads|boot|boots"),
	sentNeg(2, -2.5, "recommend|worth"),

	// Negative.
	sent(-3, "terrible|horrible|awful|worst|garbage|junk|trash|crap|crappy|useless|worthless|defective|"+
		"pathetic|disgusting|atrocious|abysmal|dreadful|hate|hated|hates|scam|rip off|ripoff|waste of money|"+
		"waste of time|don't buy|do not buy|dont buy|stay away|total waste|complete waste|piece of junk|piece of crap|"+
		"piece of garbage|zero stars|0 stars|one star|1 star|dead on arrival|doa|nightmare|disaster|sucks|unusable|"+
		"fraud|fake|counterfeit|stopped working|quit working|stop working|stops working|died|dies|dead|"+
		"returned it|returning it|sent it back|sending it back|send it back|return it|want a refund|refund|"+
		"never again|broke|broken|breaks|fell apart|falls apart|falling apart|cracked|shattered|defect|defects|"+
		"lemon|malfunction|malfunctions|malfunctioned|malfunctioning|not worth|avoid|beware|misleading|lied|lies|lying"),
	sent(-2.5, "bad|poor|poorly|disappointing|disappointed|disappointment|disappoints|frustrating|frustrated|frustration|"+
		"unreliable|flimsy|faulty|shoddy|lousy|inferior|subpar|sub par|ridiculous|unacceptable|regret|regrets|regretted|"+
		"unhappy|dissatisfied|annoying|annoyed|annoyance|irritating|infuriating|angry|mad|furious|upset|"+
		"overheats|overheating|overheated|crashes|crashed|crashing|freezes|froze|freezing|frozen|"+
		"fails|failed|failing|failure|error|errors|glitch|glitches|glitchy|buggy|bugs|laggy|"+
		"damaged|damage|scratched|dent|dented|leaks|leaked|leaking|peeling|ripped|torn|tore|"+
		"waste|wasted|wasting|cheaply made|cheap plastic|feels cheap|looks cheap|poor quality|low quality|bad quality|"+
		"poorly made|poor customer service|no longer works|doesn't hold a charge|won't turn on|wont turn on|"+
		"not happy|not impressed|not satisfied|not pleased|not recommend|wouldn't recommend|would not recommend|"+
		"can't recommend|cannot recommend|couldn't recommend|cheated|misled|deceived|ugly|hideous|stupid|dumb|idiotic|"+
		"sad|sadly|unfortunately|unfortunate|worse|worsened|horrendous|terribly|horribly|awfully|painful|"+
		"uncomfortable|unstable|unresponsive|unreadable|inaccurate|incorrect|wrong item|missing parts|rude|unhelpful|"+
		"incompatible|not compatible|noisy|stinks|stink|stinky|smelly|rubbish|shit|shitty"),
	sent(-2, "slow|slower|sluggish|lag|lags|lagging|problem|problems|issue|issues|trouble|troubles|"+
		"troublesome|difficult|difficulty|hard to use|hard to read|hard to set up|hard to install|confusing|confused|"+
		"complicated|clunky|cumbersome|awkward|tedious|hassle|pain|weak|blurry|grainy|fuzzy|distorted|"+
		"muffled|tinny|scratchy|static|crackling|wobbly|loose|stuck|sticks|sticky|jammed|stiff|"+
		"overpriced|lacks|lacking|lack|missing|"+
		"mistake|wrong|fault|flaw|flaws|flawed|drawback|drawbacks|downside|downsides|cons|negative|negatives|"+
		"complaint|complaints|complain|complained|complaining|concern|concerns|worried|worry|worrying|"+
		"disconnects|disconnected|disconnecting|drops|dropped|dropping|cuts out|cut out|"+
		"returned|returning|return|"+
		"boring|bored|dull|outdated|obsolete|mediocre|meh|lackluster|underwhelming|underwhelmed|"+
		"barely|hardly works|barely works|not great|not good|not the best|could be better|needs improvement|"+
		"cramped|fragile|brittle|breakable|scratches|scratch|smudges|fingerprints|"+
		"noise|loud fan|fan noise|buzzing|humming|whine|beeping|beeps|rattles|rattle|"+
		"annoy|annoys|irritated|irritates|difficulties|struggle|struggled|struggles|struggling|"+
		"inconvenient|inconvenience|useless features|limited|limitation|limitations|restricted|"+
		"dirty|stained|smells|smell|odor|warped|bent|crooked|uneven|rough|"+
		"overrated|overhyped|gimmick|gimmicky|cheesy|tacky|flimsy feeling|"+
		"suck|sucked|kills|killed|killing|drains|drained|draining|short battery life|"+
		"not worth it|doesn't work|does not work|didn't work|did not work|don't work|do not work|won't work|"+
		"isn't working|not working|never worked|no longer|poor battery|bad battery|"+
		"frustrates|headache|headaches|ridiculously|unfortunatly|unfortunatelly|"+
		"died on me|quit on me|keeps crashing|keeps freezing|keeps disconnecting|"+
		"delayed|never arrived|never received|didn't receive|not received"),
	sent(-1.5, "heavy|bulky|hot|pricey|expensive|costly|tiny|late|loud fan"),
	sent(-1, "average at best|okayish|so so|so-so|nothing special|lost|cheap|replacement|exchange|exchanged|limited|"+
		"not much|not very|not that|wish|wished|hoping|hoped|supposed to|"+
		"however|sadly enough|alas|strange|weird|odd|oddly|questionable|"+
		"reboot|restart|resets|spotty|intermittent|inconsistent|finicky|picky|"+
		"learning curve|takes time|takes forever|waiting|wait|"+
		"glare|reflective|sharp edges|drained"),

	// Neutral phrases that shadow a shorter sentiment key.
	mk(kBlock, 0, "hard drive|hard drives|hard disk|hard disc|hard disk drive|hard case|hard shell|hard reset|"+
		"noise cancelling|noise canceling|noise cancellation|white noise|hard reset|factory reset|"+
		"looks like|look like|looked like|seems like|seem like|feels like|feel like|sounds like|sound like|"+
		"just like|something like|things like|stuff like|like this one|"+
		"pretty much|as well|as well as|well as|well known|oh well|well then|have a nice day|have a good day|"+
		"for work|at work|work from home|"+
		"fine print|fair enough|for free|free of charge|clear out|clear the|clearly|"+
		"return policy|return window|heat sink|hot spot|hot key|hotkey|hot keys|hot swap|"+
		"super bowl|no matter|no doubt|no wonder|no longer available|not only|not just|"+
		"cheap price|a little bit|a lot|lots of|little bit|best buy|good morning|good night|"+
		"sound system|black friday|prime day|fire tv|fire stick|smart home|smart plug|smart plugs|smart bulb|"+
		"as soon as|light bulb|light bulbs|needless to say"),

	// Function words.
	mk(kNeg, -1.5, "no longer|not anymore|any more"),
	mk(kNeg, 0, "not|no|never|none|nobody|nothing|nowhere|neither|nor|without|cannot|can't|cant|"+
		"don't|dont|doesn't|doesnt|didn't|didnt|isn't|isnt|aren't|arent|wasn't|wasnt|weren't|werent|"+
		"won't|wont|wouldn't|wouldnt|couldn't|couldnt|shouldn't|shouldnt|haven't|havent|hasn't|hasnt|hadn't|"+
		"hardly|scarcely|lack of|lacks any|zero|ain't|n't|never been|rarely|seldom"),
	mk(kInt, 1.5, "very|really|extremely|incredibly|absolutely|totally|completely|truly|highly|"+
		"exceptionally|remarkably|so|such|especially|particularly|amazingly|insanely|ridiculously|"+
		"seriously|utterly|thoroughly|most|much|way|real|damn|darn|freaking|hugely|immensely|deeply|"+
		"definitely|certainly|surely|genuinely|extra|ultra|unbelievably|exceedingly"),
	mk(kInt, 1.25, "quite|fairly|rather|even|all|fully|entirely"),
	mk(kIntSent, 2, "super|pretty"),
	mk(kDown, 0.6, "minor|slightly|somewhat|a bit|a little|kind of|kinda|sort of|sorta|a tad|marginally|mildly|"+
		"partially|partly|relatively|moderately|almost|nearly|reasonably|mostly|more or less"),
	mk(kExcess, 1.3, "too|overly|way too|far too|a bit too|a little too|excessively"),
	mk(kExcessTo, 1.5, "small|big|large|short|long|loud|light|thin|thick|tight|hard|dark|sensitive|cold|"+
		"sweet|wide|narrow|tall|deep|shallow|busy|early|close|far|dim"),
	mk(kContrast, 0, "but|however|though|yet|except|except for|nevertheless|nonetheless|until|only to|"+
		"other than that|apart from that|besides that|aside from that|beyond that|"+
		"on the other hand|that said|having said that"),
	mk(kConcede, 0, "although|even though|despite|in spite of|whilst|even if|albeit"),
	mk(kCond, 0, "if|unless|whether|in case|if you're looking|if you are looking|if you want|if you need"),
	sent(0.5, "better"),
}
