"""French pack: smaller than ru/en, same structure.

Products are masculine nouns so "mon {product}" / "le {product}" stay grammatical; quote
headers follow the usual French mail clients ("Le ..., ... a écrit :", Outlook "De : ...").
"""

from training.corpus.packs.base import LanguagePack, Pools, split_lines

SLOTS: dict[str, list[str]] = {
    "name": [
        "Camille Martin", "Julien Bernard", "Sophie Dubois", "Nicolas Thomas", "Claire Robert",
        "Mehdi Benali", "Élodie Petit", "Antoine Moreau",
    ],
    "agent": ["Marie", "Thomas", "Laura", "Karim", "Isabelle", "Hugo"],
    "company": [
        "TechnoMonde", "Colis Express", "NuageSoft", "Vecteur Média", "BatiStock",
        "Banque Horizon", "Connect+", "Dépann'Maison", "Académie du Code", "Le Petit Zinc",
        "Mètre Carré Immobilier",
    ],
    "product": ["ordinateur portable", "smartphone", "aspirateur robot", "canapé", "écran",
                "grille-pain", "vélo électrique", "lave-linge"],
    "service": ["gestion de campagne publicitaire", "ménage complet", "remplacement du chauffe-eau",
                "refonte du site", "pose de climatisation"],
    "order": ["n° 40912", "#FR-33817", "n° 7745-B", "CMD-500231"],
    "amount": ["49 €", "129,90 €", "850 €", "2 400 €", "12 000 €"],
    "days": ["trois jours", "cinq jours", "une semaine", "deux semaines", "un mois"],
    "date": ["12/03/2025", "04/02/2025", "19/11/2024", "07/06/2025"],
    "weekday": ["samedi", "dimanche", "vendredi soir", "pendant le week-end", "un jour férié"],
    "hour": ["3 h 10", "23 h 50", "1 h 25", "4 h 40", "22 h 35"],
    "city": ["Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Bordeaux"],
    "plan": ["Essentiel", "Business", "Pro", "Premium"],
    "email": ["camille.martin@courriel.example", "j.bernard@societe.example",
              "sophie.d@mail.example"],
}

GREETINGS_EMAIL = split_lines("""
Bonjour,
Madame, Monsieur,
Bonjour {agent},
Bonsoir,
Chère équipe,
Bonjour à tous,
""")

GREETINGS_CHAT = ["", "", "bonjour", "salut", "allô", "bonsoir", "hello", "coucou", "re"]

CLOSINGS_EMAIL = split_lines("""
Cordialement,
Bien cordialement,
Merci d'avance,
Bonne journée,
Dans l'attente de votre réponse,
Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.
""")

SIGNATURES = [
    "{name}\nTél. 06 00 00 12 34",
    "{name}\nResponsable achats\nAlpha Ressources SAS\n+33 1 00 00 00 17",
    "--\n{name}\nEnvoyé de mon iPhone",
    "{name}, {city}\nSIRET 000 000 000 00000",
    "{name}\nChef de projet | 07 00 00 45 67",
]

DISCLAIMERS = split_lines("""
Ce message et ses pièces jointes sont confidentiels et destinés exclusivement à leur \
destinataire. Si vous l'avez reçu par erreur, merci d'en avertir l'expéditeur et de le supprimer.
Les informations contenues dans ce courriel ne constituent pas une offre contractuelle.
Attention : ce message provient de l'extérieur de l'organisation. Ne cliquez pas sur les liens \
si vous ne connaissez pas l'expéditeur.
""")

QUOTE_HEADERS = [
    "Le {date}, {name} <{email}> a écrit :",
    "-------- Message transféré --------\nDe : {name} <{email}>\nDate : {date}\n"
    "Objet : Re: commande {order}",
    "De : {name} [mailto:{email}]\nEnvoyé : {date}\nÀ : support@helpdesk.example\n"
    "Objet : RE: Réclamation",
    "{date}, {name} a écrit :",
    "----- Message d'origine -----\nDe : {name}\nDate : {date}",
]

CONTEXTS: dict[str, list[str]] = {
    "shop": split_lines("""
J'ai passé la commande {order} sur votre site le {date}.
J'ai acheté chez vous un {product} en promotion, livraison à {city}.
"""),
    "delivery": split_lines("""
Numéro de suivi {order}, expédition depuis {city}.
Le colis devait arriver le {date}.
"""),
    "saas": split_lines("""
Nous sommes sur l'offre {plan}, avec douze utilisateurs.
Nous utilisons votre CRM depuis un an environ.
"""),
    "agency": split_lines("""
Nous travaillons avec vous sur la prestation : {service}.
Notre chef de projet chez vous est {agent}.
"""),
    "b2b": split_lines("""
La facture de {amount} a été émise le {date}.
Nous sommes votre distributeur à {city} depuis trois ans.
"""),
    "bank": split_lines("""
Je suis client chez {company}, avec un compte courant et une carte.
Un prélèvement de {amount} est apparu le {date}.
"""),
    "telecom": split_lines("""
J'ai une box internet avec l'offre {plan}, à {city}.
La ligne mobile est à mon nom.
"""),
    "repairs": split_lines("""
Intervention pour : {service}, le technicien est passé le {date}.
Travaux dans mon appartement à {city}, devis de {amount}.
"""),
    "courses": split_lines("""
Je suis inscrit à la formation Python, la session a commencé le {date}.
J'ai payé la formation {amount}.
"""),
    "restaurant": split_lines("""
Nous avions réservé une table pour six le {date}.
J'ai commandé en livraison chez {company}, commande {order}.
"""),
    "real_estate": split_lines("""
Je loue un appartement par votre agence, bail signé le {date}.
J'ai versé un dépôt de {amount} pour un appartement à {city}.
"""),
}

SUBJECTS = split_lines("""
Commande {order}
Remboursement
URGENT !!!
Réclamation
Où est mon colis ?
Question sur ma facture
Internet ne fonctionne pas
Résiliation de l'abonnement
Mail suspect
Re: Re: demande
""")

CHAT_NOISE: dict[str, list[str]] = {
    "emoji": ["🙏", "😂", "👍", "🔥", "🙂", "⏰"],
    "emoji_upset": ["😡", "🤬", "😤", "🙄", "👎"],
    "fillers": ["bon", "bref", "franchement", "genre", "sérieux", "allô", "du coup"],
    "typos": ["s'il vous plaît|svp", "beaucoup|bcp", "aujourd'hui|aujourdhui", "quand|qd",
              "pourquoi|pk", "toujours|tjrs", "c'est|cest"],
}

TRAIN = Pools(
    aggression=split_lines("""
Vous êtes tous des abrutis ou c'est juste vous ?
Quelle boîte minable, c'est une honte.
VOUS SAVEZ LIRE OU PAS ???
Bande de clowns 🤡
Votre conseiller est une nullité totale.
Jamais reçu une réponse aussi débile.
Une honte, ce site marchand.
Votre livreur est un malpoli doublé d'un sagouin.
Incapables. Vous êtes des incapables.
Qui a bien pu embaucher des manchots pareils ?
Un service client digne d'une cour de maternelle.
Vos développeurs sont des bras cassés, chaque mise à jour casse tout.
Votre agent immobilier est un menteur et un fainéant.
Vous êtes bouchés ou quoi ? J'ai pourtant écrit clairement.
Une banque de pacotille tenue par des guignols.
Des incompétents du stagiaire jusqu'au patron.
Ça me dégoûte rien que de vous écrire.
franchement vous êtes des boulets 🙄
Une bande de bras cassés, voilà ce que vous êtes.
"""),
    threat=split_lines("""
Si l'argent n'est pas revenu vendredi, je saisis le tribunal.
Mon avocat prépare déjà la mise en demeure, attendez-vous à une convocation.
Je fais un signalement à la DGCCRF, ils vont s'occuper de vous.
Pas de remboursement ? Je laisse des avis sur toutes les plateformes possibles.
Je bloque le paiement de la facture tant que ce n'est pas corrigé.
Je lance une opposition bancaire dès aujourd'hui si rien ne bouge.
Encore une livraison comme ça et je porte plainte au commissariat.
Je publie tous nos échanges sur mon compte, que tout le monde voie comment vous travaillez.
La réclamation part à la Banque de France ce soir si le compte n'est pas débloqué.
Sinon, vous allez le regretter.
Dernier avertissement : soit vous réglez ça, soit on se voit au tribunal.
Je ne signe pas le PV et je ne paie pas le solde tant que ce n'est pas refait.
Je vais filmer tout ça et le mettre sur YouTube, on verra si ça vous plaît.
Tout mon entourage saura qu'il faut vous éviter.
Votre prochain courrier viendra de mon avocat.
J'écris à votre direction et je ferai en sorte que vous soyez viré.
Je n'en resterai pas là, j'irai jusqu'au procès s'il le faut.
Soit vous me remboursez, soit toute la ville entendra parler de vous.
"""),
    unreasonable_demand=split_lines("""
Donnez-moi le portable perso de votre conseiller, je l'appellerai directement.
Je veux 70 % de remise, je suis un client fidèle quand même.
Livrez-moi ce soir, je me fiche que l'offre prévoie cinq jours.
Refaites le logo gratuitement, c'est la douzième version mais elle ne me plaît toujours pas.
Je glisse un billet à votre conseiller et mon dossier passe en premier, d'accord ?
Mettez une autre date sur la facture, c'est plus pratique pour la compta.
Je veux être remboursé intégralement de la formation, même si je l'ai suivie jusqu'au bout.
Ajoutez trois pages et une intégration avec notre ERP pour le même prix.
Le site doit être prêt demain matin, avec l'application mobile.
J'exige {amount} de dédommagement parce que le livreur avait dix minutes de retard.
Je veux un an d'abonnement offert pour le préjudice moral.
Validez ma formation sans les devoirs, je n'ai pas le temps.
Il me faut un contrat avec un montant doublé, pour le rapport à l'investisseur.
Je veux rendre mon {product} utilisé pendant un an et demi et récupérer le prix complet.
Que votre juriste me conseille gratuitement pour mon divorce.
Fermez les yeux sur le retard de paiement et je vous laisse un super avis.
Je veux internet gratuit à vie, je suis client depuis vingt ans.
Faites-moi cinquante maquettes, j'en choisirai une et je ne paierai que celle-là.
"""),
    pressure=split_lines("""
Répondez immédiatement !
J'attends une réponse tout de suite.
Rappelez-moi d'urgence, à la minute.
Vous avez dix minutes pour répondre.
RÉPONDEZ MAINTENANT !!!
Il me faut une réponse dans les cinq minutes.
Contactez-moi sur-le-champ.
Remboursez-moi maintenant, pas « sous trois jours ».
Réglez ça immédiatement, je ne vais pas attendre.
Que le conseiller m'écrive tout de suite.
Ne fermez pas le chat, répondez immédiatement.
Je veux un humain maintenant, pas un robot.
Annulez ce prélèvement à la seconde.
Urgent, urgent ! Répondez !
Je vous laisse cinq minutes pour répondre.
Débloquez ma carte tout de suite.
asap svp répondez c'est urgent
Plus vite, j'en ai besoin maintenant.
"""),
    night_complaint=split_lines("""
Je vous ai écrit à 23 h — silence jusqu'au matin.
Pourquoi personne ne répond le week-end ?
Le support devrait fonctionner 24 h/24, pas comme chez vous.
À trois heures du matin impossible de vous joindre, c'est normal ?
Samedi il n'y a personne au téléphone, comment c'est possible ?
J'ai écrit sur le chat cette nuit, jamais eu de réponse.
Je me fiche qu'il fasse nuit chez vous, je suis client et je veux une réponse à toute heure.
Vous devez être joignables la nuit et les jours fériés aussi.
Il est déjà {hour} et toujours pas de conseiller.
J'ai appelé {weekday}, personne n'a décroché.
La box a planté cette nuit et le support dormait.
J'ai écrit vendredi soir, réponse seulement lundi.
Mon conseiller doit me répondre à n'importe quelle heure, je paie pour ça.
Pourquoi le chat ne marche qu'en journée ? J'écris quand ça m'arrange.
Vous avez une équipe de nuit, oui ou non ?
Toute la nuit j'ai essayé de vous joindre, pas un être humain.
J'écris à quatre heures du matin et je veux une réponse tout de suite, pas demain.
Jour férié ou pas, quelqu'un doit être joignable.
"""),
    neutral=split_lines("""
Pouvez-vous me donner le statut de la commande {order} ?
Est-il possible de changer l'adresse de livraison pour {city} ?
Merci, tout est bien arrivé.
Quels sont vos horaires pendant les fêtes ?
Le {product} existe-t-il dans une autre couleur ?
Pourriez-vous m'envoyer une facture au nom de la société ?
Comment passer à l'offre {plan} ?
Merci pour votre aide rapide !
Je voudrais réserver une table jeudi à 19 h pour quatre.
Comment ajouter un utilisateur au compte ?
Peut-on payer par carte à la livraison ?
Quand commence la prochaine session de formation ?
Pouvez-vous m'envoyer votre RIB ?
Quelle est la garantie sur le {product} ?
Peut-on visiter l'appartement samedi en fin de matinée ?
ok, compris, merci
Vers quelle heure passera le livreur ?
Pourriez-vous m'envoyer le relevé du trimestre ?
"""),
    civil_complaint=split_lines("""
Je suis très déçu : c'est la troisième fois qu'on me livre la mauvaise taille.
Franchement, j'attendais mieux. Le {product} est arrivé rayé.
Cela fait une semaine qu'on me renvoie d'un service à l'autre, c'est désagréable.
La livraison a été reportée trois fois, c'est très gênant.
J'ai attendu le technicien toute la journée hier, il n'est pas venu et n'a pas prévenu.
La soupe était froide et la commande est arrivée avec deux heures de retard.
J'attends mon remboursement depuis {days}, c'est usant.
Je trouve inadmissible d'avoir été facturé pour un service que je n'ai pas demandé.
L'appartement ne ressemble pas du tout aux photos.
Internet a encore coupé, troisième fois cette semaine. Très pénible.
Le conseiller devait me rappeler et ne l'a pas fait.
La facture est de {amount} au lieu du montant convenu, je suis surpris.
Quarante minutes d'attente au téléphone, c'est beaucoup trop.
Je n'apprécie pas que les conditions de l'offre aient changé sans préavis.
Je suis vraiment déçue, le cadeau n'est pas arrivé à temps pour Noël.
Le devis a doublé et personne ne me l'a expliqué avant.
Le service était excellent avant, il s'est nettement dégradé.
Le formateur a manqué deux séances sans prévenir.
"""),
    idiom=split_lines("""
Ce prix me tue 😅
Je vais exploser de joie, le colis est arrivé !
Votre promo, c'est une bombe 💣
J'ai failli mourir de rire avec la réponse de votre bot 😂
Tuez-moi, mais je ne trouve pas le mode sombre.
Ce tableau me fait exploser le cerveau.
La nouvelle offre, c'est de la folie furieuse 🔥
Ce rapport trimestriel va m'achever.
Je meurs d'envie de goûter votre nouveau dessert.
Ça coûte un bras, mais ça vaut le coup.
La deadline nous met le feu, mais on gère, pas d'inquiétude.
Je vous embrasserais pour une livraison aussi rapide.
Votre café est une tuerie.
Cette chaleur nous tue, on attend la clim avec impatience.
Je me casse la tête pour exporter le rapport, vous pouvez m'aider ?
Je suis fou de joie avec cette nouvelle fonction.
Je pourrais vous étouffer de bisous, merci mille fois !
Je vais user cette veste jusqu'à la corde tellement je l'adore.
"""),
    legal_question=split_lines("""
Quelle est la procédure pour déposer une réclamation ?
De combien de jours je dispose pour rétracter un achat en ligne, selon la loi ?
Quelle est l'adresse de votre siège pour un courrier recommandé ?
Ai-je besoin d'une procuration pour retirer un colis pour ma mère ?
Dans quel délai devez-vous traiter une réclamation ?
Quels documents faut-il pour résilier le bail ?
Pouvez-vous me donner votre numéro SIRET pour le contrat ?
Le contrat prévoit-il des pénalités de retard de livraison ?
Comment obtenir une copie de mon contrat de prêt ?
La garantie légale s'applique-t-elle aux articles soldés ?
Quelle est la procédure pour contester une opération par carte ?
Faut-il un procès-verbal de réception pour clôturer le contrat ?
Puis-je céder mon bail à un autre locataire ?
Où puis-je retirer mon consentement au traitement de mes données ?
Suis-je obligé de signer le PV si j'ai des réserves sur les travaux ?
La garantie court-elle à partir de l'achat ou de la livraison ?
Où se trouve votre politique de confidentialité ?
Le droit de rétractation s'applique-t-il aux formations en ligne ?
"""),
    security_report=split_lines("""
J'ai reçu un mail à votre nom qui demande mes coordonnées bancaires, c'est du phishing ?
Quelqu'un a appelé en se faisant passer pour votre banque et m'a demandé le code SMS.
Je crois que mon mot de passe a fuité, merci de bloquer la connexion.
J'ai trouvé un faux site avec votre logo, voici le lien.
J'ai reçu une alerte de connexion depuis un autre pays, ce n'était pas moi.
Un compte Telegram se fait passer pour votre service client.
Des paiements que je n'ai pas faits apparaissent sur ma carte.
Nous avons reçu une facture de « votre » comptable avec un nouveau RIB, pouvez-vous vérifier ?
Le conseiller du chat m'a demandé mon mot de passe, c'est normal ?
Mon compte a été piraté, l'e-mail et le téléphone ont été changés.
J'ai déjà porté plainte contre les escrocs, je vous informe pour votre dossier.
Quelqu'un se fait passer pour votre technicien et fait du porte-à-porte.
Le « service sécurité de la banque » m'a demandé de virer mon argent sur un « compte sûr ».
Faille trouvée : on peut ouvrir les commandes des autres avec un lien direct.
J'ai reçu un code de connexion alors que je n'ai rien demandé.
Je signale la perte de ma carte, merci de la bloquer.
Nous avons reçu une fausse facture de {amount} avec votre logo.
Ma boîte mail a sans doute été piratée, n'exécutez aucune demande venant d'elle sans appel.
"""),
    cancellation=split_lines("""
Merci de désactiver le renouvellement automatique à partir du mois prochain.
Nous passons chez un autre fournisseur, merci pour la collaboration.
Nous résilions le bail à son échéance, je vous préviens à l'avance.
Je souhaite annuler la commande {order}, je n'en ai plus besoin.
Merci de clôturer mon compte bancaire.
J'ai décidé d'arrêter la formation, merci de rembourser le solde selon vos conditions.
J'annule la réservation de vendredi, nos plans ont changé.
Je déménage, je voudrais résilier mon abonnement internet.
Merci pour votre travail, mais nous poursuivrons le projet en interne.
Merci de supprimer mon compte et toutes mes données.
Je renonce à la prestation : {service}, merci de ne pas émettre la prochaine facture.
Nous ne prévoyons pas de renouveler le contrat d'approvisionnement.
Je souhaite me désabonner de la newsletter.
Nous avons trouvé un logement nous-mêmes, vos services ne sont plus nécessaires.
J'ai changé d'avis, merci d'annuler l'achat du {product}.
Merci, mais nous avons choisi une autre agence.
Nous passons à un autre CRM, comment exporter nos données ?
Je veux changer d'opérateur en gardant mon numéro.
"""),
    reasonable_request=split_lines("""
Je demande le remboursement de la bouilloire défectueuse, photos jointes.
Nous aurions besoin de la facture aujourd'hui avant 17 h, si possible.
Peut-on décaler la livraison à jeudi ?
Le {product} ne s'allume plus au bout d'une semaine, merci de l'échanger sous garantie.
Pouvez-vous m'envoyer un PV corrigé ? Le montant est erroné.
Il manque un article dans la commande, merci de l'envoyer.
Nous lançons demain, donc si possible merci de traiter ce bug en priorité.
Je demande un geste commercial pour les jours sans internet.
J'ai été débité deux fois pour un seul achat, merci de rembourser le trop-perçu.
Merci de remplacer le plat : le steak était cru à l'intérieur.
Le technicien n'a pas fixé le lavabo, merci de le renvoyer au titre de la garantie.
Je voudrais l'enregistrement du cours que j'ai manqué pour cause de maladie.
Merci de rembourser l'acompte du banquet annulé de votre fait.
L'article ne correspond pas à la description du site, je souhaite le retourner.
Merci de remplacer la box, elle redémarre toutes les demi-heures.
Pourriez-vous me rappeler aujourd'hui aux heures ouvrables, idéalement après 14 h ?
Puis-je suspendre mon abonnement pendant un déplacement professionnel ?
Merci d'échanger la taille, la veste est trop petite.
"""),
)

TEST = Pools(
    aggression=split_lines("""
Vous êtes bêtes à manger du foin.
Quel service pourri, je n'ai pas de mots.
MAIS QU'EST-CE QUE VOUS FOUTEZ LÀ-BAS, BANDE DE FAINÉANTS ?
Votre conseillère est une mal élevée et une empotée.
Une entreprise d'amateurs et de tire-au-flanc.
vs etes vraiment des nuls
Des porcs, pas des serveurs.
Des ignares paresseux, voilà ce que vous êtes.
Une équipe de branquignols avec un joli site.
"""),
    threat=split_lines("""
Si ce n'est pas réglé sous 24 h, j'assigne en justice.
Votre travail bâclé sera raconté dans tous les groupes du secteur.
Pas un centime pour cette étape tant que je ne vois pas de résultat.
Je fais annuler le paiement par ma banque, puisque c'est comme ça.
Mon avocat vous contactera lundi.
Vous avez jusqu'à ce soir, ensuite je dépose plainte.
Vous allez regretter de m'avoir cherché.
Soit un dédommagement, soit un article dans la presse.
Je saisis le médiateur et l'UFC, et on verra qui a raison.
"""),
    unreasonable_demand=split_lines("""
Refaites tout le site gratuitement, l'ancienne version ne me plaît plus.
Donnez-moi le portable personnel de votre responsable.
Il me faut la traduction d'un livre entier pour demain, 400 pages.
Signez la réception sans contrôle, je paierai votre inspecteur à part.
Vendez-moi au prix de gros, même si je ne prends qu'un carton.
La formation était chère, donc j'en veux deux autres offertes.
Mettez un loyer plus bas sur le bail, que je paie moins d'impôts.
Encore quinze versions du texte gratuitement, jusqu'à ce que je dise stop.
Le dîner de toute la boîte aux frais de la maison, on vient souvent.
"""),
    pressure=split_lines("""
Il me faut une réponse à la seconde !
Je veux une réponse maintenant, pas dans une heure.
Appelez un responsable sur le chat, vite.
J'attends votre appel immédiatement.
Vite, vite, répondez !!!
Rappelez-moi tout de suite.
RÉPONDEZ EN URGENCE
Envoyez-moi les accès sur-le-champ.
Une minute pour répondre, pas plus.
"""),
    night_complaint=split_lines("""
Impossible de vous joindre la nuit, c'est quoi ce support ?
Dimanche, aucun employé n'a répondu à ma question.
J'ai attendu une réponse toute la nuit, rien.
Je veux que vous soyez disponibles tout le temps, même à trois heures du matin.
Le week-end n'excuse pas le silence.
À minuit votre chat est muet comme une tombe.
Après 18 h il n'y a plus personne, je dois attendre le matin ?
Votre chat « 24/7 » ne marche pas la nuit.
Encore aucune réponse {weekday}, ça suffit.
"""),
    neutral=split_lines("""
Quand aura lieu la prochaine livraison ?
Y a-t-il une réduction pour les étudiants ?
Pouvez-vous m'envoyer la grille tarifaire pour les pros ?
Je passerai récupérer la commande demain après-midi, merci.
Où trouver le planning des cours du mois prochain ?
J'ai réglé la facture, voici la preuve de virement.
Peut-on ajouter une chaise haute à la réservation ?
Colis récupéré, tout est là 👍
Comment savoir combien de données il me reste ce mois-ci ?
"""),
    civil_complaint=split_lines("""
Cela m'ennuie que trois conseillers donnent trois réponses différentes.
Le colis est arrivé dans un carton mouillé, c'est désagréable.
Le technicien avait trois heures de retard et ne s'est même pas excusé.
La pizza est arrivée froide et écrasée, dommage.
Les délais du projet ont dérapé et on nous l'a dit au dernier moment.
Honnêtement, je suis fatigué d'expliquer la même chose.
Dommage de devoir relancer plusieurs fois pour ma propre commande.
Je suis désagréablement surpris par la qualité du dernier lot.
Je trouve injuste que la remise n'ait pas été appliquée.
"""),
    idiom=split_lines("""
Vos prix me brisent le cœur, mais la veste est superbe.
Ce gâteau, c'est une bombe, les invités sont ravis !
Mes collègues vont me tuer s'ils savent que j'ai encore commandé des pizzas 😂
Vous êtes des monstres, réparé en un rien de temps !
Cette formation m'a retourné le cerveau, dans le bon sens. Merci !
Mon portefeuille pleure mais mon cœur est content.
Cette échéance va nous achever, mais on tient bon 💪
Vous m'avez scotché avec votre rapidité !
Une appli qui déchire, je recommande.
"""),
    legal_question=split_lines("""
Quel est le délai de traitement d'une demande selon votre règlement ?
La réclamation doit-elle être faite par écrit ou un mail suffit-il ?
Où trouver vos conditions générales de vente à jour ?
Quelle est la procédure de remboursement anticipé du prêt ?
Puis-je résilier unilatéralement le contrat de formation ?
Comment déclarer correctement un défaut sur un lot de marchandises ?
L'accord du copropriétaire est-il nécessaire pour louer le logement ?
Quand la loi vous oblige-t-elle à émettre un avoir ?
Quel tribunal est compétent selon le contrat de fourniture ?
"""),
    security_report=split_lines("""
Un mail suspect avec une pièce jointe « facture.zip » est parti de votre adresse.
Quelqu'un s'est connecté à mon compte cette nuit et a changé le mot de passe.
On m'a appelé soi-disant de votre part pour « rembourser un trop-perçu » via un lien.
Une fausse boutique à votre nom vend sur une marketplace.
Votre employé a envoyé le mot de passe admin en clair, merci de le changer.
J'ai perdu mon téléphone avec votre appli, bloquez l'accès s'il vous plaît.
Un faux agent encaisse des dépôts au nom de votre agence, soyez vigilants.
J'ai reçu un SMS pour « renouveler un abonnement » que je n'ai pas.
Les données de ma commande apparaissent dans le compte de quelqu'un d'autre.
"""),
    cancellation=split_lines("""
Nous n'avons plus besoin de vos services, merci de clore le contrat.
Je désactive l'abonnement payant, merci pour tout.
Merci d'annuler la commande avant l'expédition.
Je ne renouvelle pas la location, je pars à la fin du mois.
Nous changeons de banque, merci de préparer l'attestation de clôture.
J'annule le passage du technicien, la panne est réglée.
Nous ne prolongerons pas la maintenance du site.
Merci pour les cours, mon fils continuera seul.
Nous changeons de fournisseur de café pour le bureau.
"""),
    reasonable_request=split_lines("""
Merci d'échanger le {product} défectueux, l'écran clignote depuis le premier jour.
Merci d'envoyer la facture aujourd'hui, nous devons la régler avant la fin du mois.
Merci de corriger l'adresse sur le bon de livraison, le numéro de rue est faux.
On m'a livré la mauvaise couleur, je souhaite un échange.
Merci de me rendre le dépôt de garantie : état des lieux signé sans réserve.
Il nous faut les justificatifs d'ici vendredi pour la clôture, c'est faisable ?
On nous a compté un plat de trop, merci de rembourser la différence.
Si possible, répondez avant la fin de la journée, nous devons valider le budget.
La commande a eu une semaine de retard, merci de rembourser les frais de port.
"""),
)

PACK = LanguagePack(
    lang="fr",
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

# ---- Ajouts après la revue du jeu « challenge » (data/challenge/README.md) : plus de phrases
# par pool (vers 30 train / 12 test), dans des styles absents au départ : sarcasme, menaces
# voilées ou polies, exigences déguisées en faveurs, argot, fautes. Ajout seulement.
TRAIN.aggression.extend(split_lines("""
Bravo, vous avez réussi à vous tromper quatre fois dans un seul mail.
Il y a quelqu'un chez vous qui a fini l'école ? Passez-le-moi.
Je vous fais un dessin si les mots ne suffisent pas ?
Continuez à lire votre script, c'est visiblement tout ce que vous savez faire.
QU'EST-CE QUE VOUS NE COMPRENEZ PAS DANS « NE PAS SONNER »
vous etes tous des incapable, comment vous avez encore un boulot
Quelle bande de guignols, du stagiaire au patron.
Votre soi-disant expert ne distingue pas un tournevis d'une fourchette.
Merci pour rien, les génies.
Bande de manches, on ne peut pas compter sur vous.
Quelle réponse utile, c'est votre chat qui l'a écrite ?
Vous êtes une blague avec un logo.
"""))
TRAIN.threat.extend(split_lines("""
J'ai tout consigné, et mon avocat a déjà une copie du dossier.
Cette conversation ferait un super post viral, vous ne trouvez pas ?
Dans le groupe de mon quartier on me demande toujours qui engager. Je sais quoi répondre maintenant.
Notre service comptable ne versera plus un centime tant que les défauts ne sont pas corrigés.
Je saisis la DGCCRF dès demain si vous ne m'appelez pas.
Réfléchissez bien à votre réponse, mon avocat la lira aussi.
J'envoie tout ça à la presse locale si rien ne bouge.
Je fais opposition au prélèvement auprès de ma banque, comptez là-dessus.
Je vous signale au médiateur et on verra bien.
Nous nous réservons le droit d'agir en justice, et nous le ferons.
Encore un retard et on se retrouve au tribunal.
Je mettrai une étoile sur tous les sites d'avis que je trouve.
"""))
TRAIN.unreasonable_demand.extend(split_lines("""
Soyez gentil, marquez « payé » sur la facture, je réglerai le reste plus tard.
Petit service : débloquez les modules payants sur mon compte gratuit, je paierai un jour.
Votre comptable est douée, qu'elle fasse aussi la déclaration de mon frère, c'est la famille.
Donnez-moi l'Instagram perso de la graphiste, je lui écrirai directement.
Quelques billets pour vous et mon dossier passe en premier, d'accord ?
Remboursez-moi tout ce que j'ai payé depuis mon inscription, je ne m'en suis presque pas servi.
Je veux le prix de gros alors que j'achète à l'unité.
Repeignez tout le bureau pour lundi, j'ai signé le devis cet après-midi.
je veux le premium gratuit pour toujours, apres ca vous me le devez
On laisse la caution hors comptabilité et tout le monde y gagne.
L'informaticien viendra chez moi quand ça m'arrange, c'est compris dans le prix.
Dix propositions de logo de plus, sans supplément évidemment.
"""))
TRAIN.pressure.extend(split_lines("""
J'ai une file derrière moi à la caisse, validez le paiement tout de suite.
Laissez tomber ce que vous faites et répondez-moi.
Rappelez-moi maintenant, pas dans une heure.
J'ai besoin d'un oui ou d'un non immédiatement.
répondez TOUT DE SUITE le taxi attend
Envoyez-moi le code immédiatement, je suis devant la porte.
Je veux la confirmation dans les cinq minutes.
Répondez-moi sur-le-champ.
Envoyez-moi le contrat à l'instant.
Réglez ça immédiatement et prévenez-moi.
Répondez maintenant, je ne peux plus attendre.
Passez-moi un responsable tout de suite.
"""))
TRAIN.night_complaint.extend(split_lines("""
Chaque nuit après vingt-deux heures, le chat n'est plus qu'un robot qui ne sait rien faire.
Une fuite d'eau n'attend pas lundi, mais vos plombiers si, apparemment.
Chaque jour férié c'est pareil : la messagerie.
Apparemment après le dîner toute votre société éteint son téléphone.
Je ne comprends pas pourquoi personne ne peut répondre à un message à onze heures et demie du soir.
je vous ai ecrit samedi et dimanche et rien du tout
Votre conseiller devrait décrocher le soir aussi.
J'ai écrit à minuit et je n'ai rien eu avant midi.
Le dimanche chez vous, c'est silence radio.
J'attends que quelqu'un réponde même si j'appelle en pleine nuit.
Hier soir encore personne n'a décroché.
À Noël impossible de joindre qui que ce soit, alors que j'avais un souci.
"""))
TRAIN.neutral.extend(split_lines("""
où en est la commande {order} ?
ça a marché, merci beaucoup
Petite question : vous facturez au mois ou à l'année ?
Je peux retirer en magasin plutôt que la livraison ?
Je suis dispo {weekday} pour un appel si ça vous arrange.
Vous avez le {product} en stock à {city} ?
Livraison possible en point relais ?
Merci pour l'aide rapide d'hier.
Envoyez-moi la facture en PDF, s'il vous plaît.
Combien de temps pour une livraison en Belgique ?
Ce modèle existe en noir ?
J'ai changé d'adresse, elle est dans ma signature.
"""))
TRAIN.civil_complaint.extend(split_lines("""
Pour mémoire, c'est mon quatrième mail pour la même pièce manquante.
Ce serait bien d'avoir une réponse avant la fin de la garantie, franchement.
Grosse déception, ça ne ressemble pas du tout aux photos.
Troisième report ce mois-ci, je ne suis pas ravi.
Ma patience a des limites.
Mise à jour : la fuite est revenue, au même endroit.
Je suis furieux, même si je sais que ce n'est pas votre faute personnellement.
Ce mois-ci n'a pas été terrible avec votre service, je dois le dire.
La facture est encore fausse et ça m'agace.
Le monteur est arrivé avec trois heures de retard sans s'excuser.
Je me sens un peu abandonné avec mon dossier.
Le repas est arrivé froid et il manquait un plat.
"""))
TRAIN.idiom.extend(split_lines("""
La playlist de votre café est une tuerie.
Ce blender pulvérise les fruits surgelés, meilleur achat de l'année.
La formation m'a retourné le cerveau.
J'ai la deadline sur le dos, mais de votre côté tout va bien.
On a cartonné au lancement grâce à vous.
La facture d'électricité m'achève, haha.
Je tuerais pour une place de parking près de vos bureaux.
Le gâteau était à tomber.
Il fait une chaleur à crever au bureau aujourd'hui.
Mon ordi est à l'agonie.
La démo nous a tous scotchés.
Je croule sous la paperasse ce mois-ci.
"""))
TRAIN.legal_question.extend(split_lines("""
Mon avocat relit le contrat et demande quel est le préavis.
Y a-t-il un délai pour contester un paiement par carte chez vous ?
Le droit de rétractation est-il de 14 ou de 30 jours ?
Quelle autorité vous contrôle ?
Où trouver les CGV dans la version que j'ai acceptée ?
Combien de temps conservez-vous mes données personnelles ?
Existe-t-il un médiateur de la consommation que je pourrais saisir ?
Le renouvellement est-il tacite, et comment m'y opposer ?
Quels documents faut-il pour la garantie légale de conformité ?
Le propriétaire peut-il faire visiter sans prévenir ?
Qui est votre délégué à la protection des données ?
Y a-t-il un droit de retour pour les téléchargements ?
"""))
TRAIN.security_report.extend(split_lines("""
Pour info, sur Facebook quelqu'un se fait passer pour votre support et demande des numéros de carte.
Cette nuit quelqu'un a dépensé mes points de fidélité, ce n'était pas moi.
Un site louche vend vos produits à moitié prix avec votre logo.
J'ai cliqué par erreur sur un lien dans un faux mail.
Quelqu'un a souscrit un contrat chez vous à mon nom.
Il y a un paiement sur ma carte que je n'ai pas fait.
Un homme a appelé en se disant votre technicien et voulait un accès à distance.
Je pense que mon mot de passe a fuité, bloquez le compte s'il vous plaît.
Nous avons reçu une facture à votre logo mais avec un autre IBAN.
Dans mon espace client je vois les commandes de quelqu'un d'autre.
Un faux compte WhatsApp de votre support demande des mots de passe.
On m'a volé ma carte, bloquez-la s'il vous plaît.
"""))
TRAIN.cancellation.extend(split_lines("""
Notre budget a été réduit, nous arrêtons la prestation après mars.
Désactivez le renouvellement, s'il vous plaît, je pars voyager un an.
Fermez mon compte à la fin du mois, merci.
Par la présente je résilie mon contrat dans les délais.
À la fin du contrat nous changeons de fournisseur.
Annulez la commande {order}, je n'en ai plus besoin.
Je souhaite annuler les cours restants.
Nous arrêtons la collaboration après le projet en cours.
Je veux résilier l'abonnement le mois prochain.
J'annule la table de ce soir, désolé.
À partir de juillet nous n'avons plus besoin du contrat de maintenance.
Confirmez-moi la résiliation par écrit, s'il vous plaît.
"""))
TRAIN.reasonable_request.extend(split_lines("""
Le devis pourrait-il être prêt pour VENDREDI ? Notre conseil se réunit lundi.
Le frigo ne refroidit plus, pouvez-vous envoyer un appareil de remplacement ?
Le casque grésille à gauche, je peux l'échanger ?
L'installateur a annulé ce matin, on trouve un autre jour la semaine prochaine ?
On nous a facturé deux licences pour une seule, merci de créditer la différence.
Le colis est pour le DEUXIÈME étage, pas pour la boutique en bas.
L'appareil est tombé en panne sous garantie, comment se passe la réparation ?
Pouvez-vous rééditer la facture avec notre numéro de TVA ?
Nous voudrions un remboursement partiel, seule la moitié a été livrée.
Pouvez-vous prioriser le ticket ? La paie part demain.
Corrigez le nom de la société sur la facture, s'il vous plaît.
J'ai reçu la mauvaise taille, je peux échanger ?
"""))

TEST.aggression.extend(split_lines("""
Vous comprenez le français ou seulement vos modèles de réponse ?
Vous êtes aussi utiles qu'un parapluie troué.
ARRÊTEZ DE M'ENVOYER LE MÊME LIEN
"""))
TEST.threat.extend(split_lines("""
J'enregistre tous les appels, et vendredi mon avocat aura les enregistrements.
On verra ce que dit votre franchiseur quand je lui enverrai ces photos.
Plus une seule mensualité tant que le toit fuit.
"""))
TEST.unreasonable_demand.extend(split_lines("""
Soyez un ange et signez que j'ai assisté à toutes les séances.
Vous m'offrez l'installation, l'extension de garantie et la livraison ? Je demande gentiment.
Une petite enveloppe pour l'expert et l'appartement vaut plus, non ?
"""))
TEST.pressure.extend(split_lines("""
Je suis devant le portail, envoyez le code à la seconde.
répondez. maintenant. svp.
Confirmez-le immédiatement !
"""))
TEST.night_complaint.extend(split_lines("""
La ligne de nuit passe de la musique pendant une heure puis raccroche.
Tout le pont du 1er mai, pas un mot de votre part.
La nuit, personne ne répond jamais chez vous.
"""))
TEST.neutral.extend(split_lines("""
du nouveau pour {order} ?
merci, c'est bon maintenant
Vous livrez le samedi ?
"""))
TEST.civil_complaint.extend(split_lines("""
C'est la troisième fois que je relance pour la même facture.
Quel ennui, la pièce est encore arrivée tordue.
Je suis très mécontent de la gestion de mon dossier.
"""))
TEST.idiom.extend(split_lines("""
Votre nouvelle appli est une bombe.
Cette chaleur tue notre pelouse, mdr.
Le prix m'a achevé.
"""))
TEST.legal_question.extend(split_lines("""
Notre service juridique demande quel tribunal est compétent.
Combien de temps ai-je pour retourner un achat en ligne ?
Auprès de quel organisme puis-je réclamer si besoin ?
"""))
TEST.security_report.extend(split_lines("""
J'ai reçu un mail d'hameçonnage avec votre logo.
Quelqu'un essaie de réinitialiser mon mot de passe depuis ce matin.
Un lien de livraison me réclame des frais de douane en votre nom.
"""))
TEST.cancellation.extend(split_lines("""
Cette année nous ne renouvelons pas le contrat.
Résiliez mon adhésion à la fin du trimestre, s'il vous plaît.
Nous passons chez un autre prestataire, merci pour ces années.
"""))
TEST.reasonable_request.extend(split_lines("""
J'ai besoin des clés AUJOURD'HUI si possible, on déménage demain.
L'imprimante est en panne, pouvez-vous en envoyer une autre ?
Peut-on décaler le rendez-vous de deux jours ?
"""))
