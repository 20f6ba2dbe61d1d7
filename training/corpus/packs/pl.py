"""Polish pack: smaller than ru/en, same structure.

Products are masculine inanimate nouns and cities follow a colon or "miasto", so templates
stay grammatical without declension.
"""

from training.corpus.packs.base import LanguagePack, Pools, split_lines

SLOTS: dict[str, list[str]] = {
    "name": [
        "Anna Kowalska", "Piotr Nowak", "Katarzyna Wiśniewska", "Tomasz Wójcik",
        "Magdalena Kamińska", "Marcin Lewandowski", "Agnieszka Zielińska", "Paweł Szymański",
    ],
    "agent": ["Pani Marta", "Pan Krzysztof", "Pani Ewa", "Pan Michał", "Pani Joanna"],
    "company": [
        "„TechnoŚwiat”", "„Szybka Paczka”", "„ChmuraSoft”", "„Wektor Media”", "„BudHurt”",
        "„Bank Bursztyn”", "„Łącze Plus”", "„Złota Rączka”", "„Akademia Kodu”",
        "„Pod Lipami”", "„Metr Kwadratowy”",
    ],
    "product": ["laptop", "smartfon", "odkurzacz", "monitor", "czajnik", "telewizor",
                "ekspres do kawy", "rower elektryczny"],
    "service": ["konfiguracja kampanii reklamowej", "sprzątanie generalne", "wymiana baterii",
                "projekt strony internetowej", "montaż klimatyzacji"],
    "order": ["nr 40871", "#PL-22190", "nr 7731/24", "nr 500912"],
    "amount": ["249 zł", "1 299 zł", "4 500 zł", "89 zł", "17 800 zł"],
    "days": ["trzy dni", "pięć dni", "tydzień", "dwa tygodnie", "miesiąc"],
    "date": ["12.03.2025", "04.02.2025", "19.11.2024", "07.06.2025"],
    "weekday": ["w sobotę", "w niedzielę", "w piątek wieczorem", "w weekend", "w święta"],
    "hour": ["03:10", "23:50", "01:25", "04:40", "22:35"],
    "city": ["Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań", "Łódź"],
    "plan": ["Basic", "Business", "Pro", "Standard"],
    "email": ["anna.kowalska@poczta.example", "p.nowak@firma.example", "kasia.w@mail.example"],
}

GREETINGS_EMAIL = split_lines("""
Dzień dobry,
Szanowni Państwo,
Dzień dobry Państwu,
Witam,
Dobry wieczór,
Szanowna Pani, Szanowny Panie,
""")

GREETINGS_CHAT = ["", "", "dzień dobry", "cześć", "halo", "hej", "dobry wieczór", "witam",
                  "hello"]

CLOSINGS_EMAIL = split_lines("""
Pozdrawiam,
Z poważaniem,
Z góry dziękuję,
Miłego dnia,
Czekam na odpowiedź.
Serdecznie pozdrawiam,
""")

SIGNATURES = [
    "{name}\ntel. +48 500 000 123",
    "{name}\nSpecjalista ds. zakupów\nAlfa Zasoby sp. z o.o.\n+48 22 000 00 17",
    "--\n{name}\nWysłane z iPhone'a",
    "{name}, {city}\nNIP 000-000-00-00",
    "{name}\nKierownik projektu | tel. +48 600 000 456",
]

DISCLAIMERS = split_lines("""
Ta wiadomość i jej załączniki są poufne i przeznaczone wyłącznie dla adresata. \
Jeśli otrzymali ją Państwo omyłkowo, prosimy o powiadomienie nadawcy i usunięcie wiadomości.
Informacje zawarte w tej wiadomości nie stanowią oferty w rozumieniu Kodeksu cywilnego.
Uwaga: wiadomość pochodzi spoza organizacji. Nie klikaj w linki, jeśli nie znasz nadawcy.
""")

QUOTE_HEADERS = [
    "W dniu {date} {name} <{email}> napisał(a):",
    "---------- Przekazana wiadomość ----------\nOd: {name} <{email}>\nData: {date}\n"
    "Temat: Re: zamówienie {order}",
    "Od: {name} [mailto:{email}]\nWysłano: {date}\nDo: support@helpdesk.example\n"
    "Temat: RE: Reklamacja",
    "{date} użytkownik {name} napisał:",
    "-----Oryginalna wiadomość-----\nOd: {name}\nData: {date}",
]

CONTEXTS: dict[str, list[str]] = {
    "shop": split_lines("""
Zamówienie {order} złożyłem w sklepie internetowym {date}.
Kupiłam u Państwa {product} w promocji, adres dostawy: {city}.
"""),
    "delivery": split_lines("""
Numer przesyłki {order}, nadanie: {city}.
Paczka miała dotrzeć {date}.
"""),
    "saas": split_lines("""
Jesteśmy na planie {plan}, w zespole mamy dwunastu użytkowników.
Korzystamy z Państwa CRM od roku.
"""),
    "agency": split_lines("""
Współpracujemy w ramach umowy na usługę: {service}.
Naszym opiekunem projektu jest {agent}.
"""),
    "b2b": split_lines("""
Faktura na {amount} została wystawiona {date}.
Jesteśmy Państwa dystrybutorem (miasto: {city}) od trzech lat.
"""),
    "bank": split_lines("""
Mam w Państwa banku konto osobiste i kartę debetową.
Obciążenie na {amount} pojawiło się {date}.
"""),
    "telecom": split_lines("""
Mam internet domowy w planie {plan}, miasto: {city}.
Numer komórkowy jest zarejestrowany na mnie.
"""),
    "repairs": split_lines("""
Zgłoszenie dotyczy usługi: {service}, fachowiec był {date}.
Remont mieszkania, kosztorys na {amount}.
"""),
    "courses": split_lines("""
Jestem uczestnikiem kursu Pythona, edycja ruszyła {date}.
Zapłaciłem za kurs {amount}.
"""),
    "restaurant": split_lines("""
Rezerwowaliśmy stolik na {date} dla sześciu osób.
Zamawiałem dostawę z restauracji {company}, zamówienie {order}.
"""),
    "real_estate": split_lines("""
Wynajmuję mieszkanie przez Państwa biuro, umowa z {date}.
Wpłaciłam zadatek {amount} za mieszkanie, miasto: {city}.
"""),
}

SUBJECTS = split_lines("""
Zamówienie {order}
Zwrot pieniędzy
PILNE!!!
Reklamacja
Gdzie jest moja paczka?
Pytanie o fakturę
Nie działa internet
Rezygnacja z subskrypcji
Podejrzany e-mail
Re: Re: zgłoszenie
""")

CHAT_NOISE: dict[str, list[str]] = {
    "emoji": ["🙏", "😂", "👍", "🔥", "🙂", "⏰"],
    "emoji_upset": ["😡", "🤬", "😤", "🙄", "👎"],
    "fillers": ["no", "kurczę", "serio", "w ogóle", "weź", "halo", "masakra"],
    "typos": ["proszę|prosze", "dziękuję|dziekuje", "już|juz", "żeby|zeby", "jeszcze|jeszce",
              "właśnie|wlasnie", "pieniądze|pieniadze"],
}

TRAIN = Pools(
    aggression=split_lines("""
Wszyscy tam jesteście idiotami czy tylko Pan?
Co za żałosna firma, wstyd i hańba.
CZY WY W OGÓLE UMIECIE CZYTAĆ???
Banda klaunów, a nie obsługa 🤡
Wasz konsultant to kompletne zero.
Tak głupiej odpowiedzi jeszcze nie dostałem.
Hańba, nie sklep internetowy.
Kurier to cham i flejtuch.
Nieudacznicy. Po prostu nieudacznicy.
Kto was zatrudnił, takich partaczy?
Obsługa na poziomie przedszkola.
Wasi programiści to patałachy, każda aktualizacja wszystko psuje.
Ten wasz agent to kłamca i leń.
Jesteście tępi? Przecież napisałem wyraźnie.
Żałosna podróbka banku.
Niekompetentni od stażysty po prezesa.
Aż mnie mdli, jak mam z wami pisać.
no jesteście debilami 🙄
Zbieranina nieudaczników, słowo daję.
"""),
    threat=split_lines("""
Jeśli do piątku pieniądze nie wrócą, idę do sądu.
Mój prawnik już przygotowuje pozew, proszę czekać na wezwanie.
Składam skargę do UOKiK, niech się wami zajmą.
Nie oddacie pieniędzy — wystawię opinie na każdym portalu, jaki znajdę.
Wstrzymam płatność za fakturę, dopóki tego nie naprawicie.
Zrobię chargeback w banku jeszcze dziś, jeśli sprawa nie zostanie rozwiązana.
Jeszcze jedna taka dostawa i zgłaszam sprawę na policję.
Wrzucę całą korespondencję na swój profil, niech wszyscy zobaczą, jak pracujecie.
Skarga do KNF pójdzie dziś wieczorem, jeśli nie odblokujecie konta.
Inaczej pożałujecie.
Ostatnie ostrzeżenie: albo załatwiacie sprawę, albo widzimy się w sądzie.
Protokołu nie podpiszę i reszty nie zapłacę, dopóki nie poprawicie.
Nagram filmik i wrzucę na YouTube, zobaczymy, jak się wam to spodoba.
Wszyscy moi znajomi dowiedzą się, że z wami lepiej nie mieć do czynienia.
Następny list dostaniecie od mojego adwokata.
Napiszę do waszego prezesa i zadbam, żeby Pana zwolnili.
Nie odpuszczę tego, pójdę z tym aż do sądu.
Albo zwrot pieniędzy, albo opowiem o was całemu miastu.
"""),
    unreasonable_demand=split_lines("""
Proszę podać prywatny numer konsultanta, będę dzwonić bezpośrednio.
Chcę 70% rabatu, przecież jestem stałym klientem.
Proszę dostarczyć dziś wieczorem, nie obchodzi mnie, że w taryfie jest pięć dni.
Proszę poprawić logo jeszcze raz za darmo, to już dwunasta wersja.
Przeleję konsultantowi stówkę na konto, a moje zgłoszenie pójdzie pierwsze.
Proszę wpisać na paragonie inną datę, księgowości tak wygodniej.
Chcę zwrot całej kwoty za kurs, choć przerobiłem go do końca.
Proszę dodać jeszcze trzy podstrony i integrację z ERP w tej samej cenie.
Strona ma być gotowa na jutro rano, razem z aplikacją mobilną.
Żądam {amount} odszkodowania, bo kurier spóźnił się dziesięć minut.
Należy mi się darmowa subskrypcja na rok za straty moralne.
Proszę zaliczyć mi kurs bez oddawania zadań, jestem zajęty.
Potrzebuję umowy na kwotę dwa razy wyższą, do raportu dla inwestora.
Chcę oddać {product}, z którego korzystałem półtora roku, i dostać pełną kwotę.
Niech wasz prawnik za darmo doradzi mi w sprawie rozwodu.
Przymknijcie oko na zaległość, a ja wystawię wam piękną opinię.
Chcę darmowy internet do końca życia, jestem waszym klientem od dwudziestu lat.
Zróbcie pięćdziesiąt projektów, wybiorę jeden i zapłacę tylko za niego.
"""),
    pressure=split_lines("""
Proszę odpowiedzieć natychmiast!
Czekam na odpowiedź w tej chwili.
Proszę pilnie oddzwonić, w tej minucie.
Macie dziesięć minut na odpowiedź.
ODPOWIEDZCIE TERAZ!!!
Potrzebuję odpowiedzi w ciągu pięciu minut.
Proszę natychmiast się ze mną skontaktować.
Oddajcie pieniądze teraz, bez żadnego „w ciągu trzech dni”.
Proszę to załatwić od razu, nie zamierzam czekać.
Niech konsultant napisze do mnie w tej chwili.
Nie zamykajcie czatu, odpowiadajcie natychmiast.
Potrzebuję człowieka teraz, nie bota.
Proszę anulować obciążenie w tej sekundzie.
Pilne, pilne! Odpowiadajcie!
Daję wam pięć minut na odpowiedź.
Odblokujcie kartę od razu.
asap odpiszcie, to pilne
Szybciej, potrzebuję tego teraz.
"""),
    night_complaint=split_lines("""
Pisałem do was o 23:00 — cisza do samego rana.
Dlaczego w weekend nikt nie odpowiada?
Obsługa powinna działać 24/7, a nie tak jak u was.
O trzeciej w nocy nie mogłem się dodzwonić, to normalne?
W sobotę nikogo nie ma na infolinii — jak to możliwe?
W nocy napisałem na czacie i odpowiedzi się nie doczekałem.
Nie obchodzi mnie, że u was noc, jestem klientem i chcę odpowiedzi o każdej porze.
Macie obowiązek być dostępni także w nocy i w święta.
Jest już {hour}, a konsultanta brak.
Dzwoniłem {weekday}, nikt nie odebrał.
W nocy padł internet, a obsługa śpi.
Napisałem w piątek wieczorem, odpowiedzieli dopiero w poniedziałek.
Opiekun powinien odpowiadać mi o każdej porze dnia i nocy, płacę za to.
Czemu czat działa tylko w dzień? Piszę, kiedy mi pasuje.
Czy macie w ogóle nocną zmianę?
Całą noc próbowałem się skontaktować — ani jednego żywego człowieka.
Piszę o czwartej nad ranem i chcę odpowiedzi od razu, nie rano.
Święta świętami, ale ktoś powinien być dostępny.
"""),
    neutral=split_lines("""
Proszę o status zamówienia {order}.
Czy można zmienić adres dostawy? Nowe miasto: {city}.
Dziękuję, wszystko dotarło w porządku.
W jakich godzinach pracujecie w święta?
Czy {product} jest dostępny w innym kolorze?
Proszę o fakturę na firmę.
Jak zmienić plan na {plan}?
Dziękuję za szybką pomoc!
Chciałbym zarezerwować stolik na czwartek na 19:00 dla czterech osób.
Jak dodać nowego użytkownika do konta?
Czy można zapłacić kartą przy odbiorze?
Kiedy startuje kolejna edycja kursu?
Proszę o dane do przelewu.
Jaka jest gwarancja na {product}?
Czy można obejrzeć mieszkanie w sobotę w południe?
ok, rozumiem, dzięki
O której mniej więcej będzie kurier?
Proszę o potwierdzenie salda za kwartał.
"""),
    civil_complaint=split_lines("""
Jestem bardzo rozczarowany: trzeci raz przywożą zły rozmiar.
Szczerze mówiąc, spodziewałem się więcej. {product} przyszedł porysowany.
Przykro mi, że od tygodnia jestem odsyłany od jednego specjalisty do drugiego.
Dostawę przełożono po raz trzeci, to bardzo niewygodne.
Wczoraj cały dzień czekałem na fachowca, nie przyszedł i nie uprzedził.
Zupa była zimna, a zamówienie przyjechało po dwóch godzinach. Jestem niezadowolony.
Już {days} czekam na zwrot pieniędzy i jest to frustrujące.
Oburza mnie, że pobrano opłatę za usługę, której nie zamawiałem.
Mieszkanie wygląda zupełnie inaczej niż na zdjęciach.
Internet znowu nie działa, trzeci raz w tym tygodniu. Bardzo nieprzyjemne.
Konsultant obiecał oddzwonić i nie oddzwonił.
Faktura przyszła na {amount} zamiast uzgodnionej kwoty, jestem zaskoczony.
Czterdzieści minut czekania na infolinii to za dużo.
Nie podoba mi się, że zmieniono warunki planu bez uprzedzenia.
Jestem bardzo zawiedziona, prezent nie dotarł na święta.
Kosztorys wzrósł dwukrotnie i nikt mi tego wcześniej nie wyjaśnił.
Kiedyś obsługa była świetna, teraz jest gorzej, niestety.
Prowadzący dwa razy nie przyszedł na zajęcia bez uprzedzenia.
"""),
    idiom=split_lines("""
Ta cena mnie po prostu zabija 😅
Zaraz wybuchnę z radości, paczka przyszła!
Wasza promocja to po prostu bomba 💣
Prawie umarłem ze śmiechu przez odpowiedź waszego bota 😂
Zabijcie mnie, ale nie wiem, gdzie tu jest tryb ciemny.
Od tej tabelki głowa mi eksploduje.
Nowy plan to po prostu ogień 🔥
Ten raport kwartalny mnie wykończy.
Umieram z ochoty na wasz nowy deser.
Ceny gryzą, ale warto.
Deadline się pali, ale dajemy radę, proszę się nie martwić.
Mógłbym was wycałować za tak szybką dostawę.
Wasza kawa jest zabójczo dobra.
Upał nas zabija, więc na klimatyzację czekamy z utęsknieniem.
Łamię sobie głowę, jak wyeksportować raport, pomożecie?
Jestem w szalonym zachwycie nad nową funkcją.
Uduszę was z wdzięczności, wielkie dzięki!
Będę nosić tę kurtkę, aż się rozpadnie, tak mi się podoba.
"""),
    legal_question=split_lines("""
Jak wygląda procedura składania reklamacji?
Ile dni mam na zwrot towaru kupionego online zgodnie z prawem?
Jaki jest adres siedziby do korespondencji prawnej?
Czy potrzebuję pełnomocnictwa, żeby odebrać paczkę za mamę?
W jakim terminie macie obowiązek rozpatrzyć reklamację?
Jakie dokumenty są potrzebne do rozwiązania umowy najmu?
Proszę podać NIP i REGON do umowy.
Czy umowa przewiduje kary umowne za opóźnienie dostawy?
Jak uzyskać kopię umowy kredytowej?
Czy gwarancja obejmuje towar kupiony na wyprzedaży?
Jaka jest procedura reklamacji transakcji kartą?
Czy do zamknięcia umowy potrzebny jest protokół odbioru?
Czy mogę przenieść umowę najmu na inną osobę?
Gdzie mogę wycofać zgodę na przetwarzanie danych osobowych?
Czy muszę podpisać protokół, jeśli mam uwagi do wykonanych prac?
Od kiedy liczy się okres gwarancji — od zakupu czy od dostawy?
Gdzie znajdę politykę prywatności?
Czy prawo odstąpienia od umowy dotyczy kursów online?
"""),
    security_report=split_lines("""
Dostałem maila w Państwa imieniu z prośbą o dane karty — czy to phishing?
Ktoś dzwonił jako pracownik waszego banku i pytał o kod z SMS-a.
Chyba wyciekło moje hasło, proszę zablokować logowanie.
Znalazłem fałszywą stronę z waszym logo, przesyłam link.
Dostałem powiadomienie o logowaniu z innego kraju, to nie byłem ja.
Na Telegramie jest kanał, który podszywa się pod waszą obsługę.
Z mojej karty zeszły transakcje, których nie robiłem.
Dostaliśmy fakturę od „waszej” księgowej z nowym numerem konta, proszę to sprawdzić.
Konsultant na czacie poprosił o moje hasło, czy to normalne?
Ktoś włamał się na moje konto i zmienił e-mail oraz telefon.
Złożyłem już zawiadomienie na policji w sprawie oszustów, informuję dla porządku.
Ktoś podaje się za waszego fachowca i chodzi po mieszkaniach.
Dzwonili z „działu bezpieczeństwa banku” i kazali przelać pieniądze na „bezpieczne konto”.
Znaleźliśmy lukę: cudze zamówienia otwierają się z bezpośredniego linku.
Przyszedł kod logowania, choć o nic nie prosiłem.
Zgłaszam zgubienie karty, proszę o blokadę.
Dostaliśmy podrobioną fakturę na {amount} z waszym logo.
Chyba ktoś przejął moją skrzynkę, proszę nie realizować próśb z niej bez telefonu.
"""),
    cancellation=split_lines("""
Proszę wyłączyć automatyczne odnawianie od przyszłego miesiąca.
Przechodzimy do innego dostawcy, dziękujemy za współpracę.
Rozwiązujemy umowę najmu z końcem okresu, informuję z wyprzedzeniem.
Chcę anulować zamówienie {order}, nie jest mi już potrzebne.
Proszę o zamknięcie mojego konta w banku.
Zdecydowałam się nie kontynuować kursu, proszę o zwrot reszty zgodnie z regulaminem.
Odwołuję rezerwację na piątek, zmieniły się plany.
Przeprowadzam się, chcę rozwiązać umowę na internet.
Dziękujemy za pracę, ale dalej poprowadzimy projekt sami.
Proszę usunąć moje konto i wszystkie dane.
Rezygnuję z usługi: {service}, proszę nie wystawiać kolejnej faktury.
Nie planujemy przedłużać umowy dostaw.
Chcę się wypisać z newslettera.
Znaleźliśmy mieszkanie sami, Państwa usługi nie są już potrzebne.
Rozmyśliłem się, proszę anulować zamówienie na {product}.
Dziękujemy, ale wybraliśmy inną agencję.
Przechodzimy na inny CRM, jak wyeksportować dane?
Chcę przenieść numer do innego operatora.
"""),
    reasonable_request=split_lines("""
Proszę o zwrot pieniędzy za wadliwy czajnik, zdjęcia w załączniku.
Zależy nam na fakturze dziś do 17:00, jeśli to możliwe.
Czy można przesunąć dostawę na czwartek?
{product} przestał się włączać po tygodniu, proszę o wymianę na gwarancji.
Proszę o poprawiony protokół, jest błąd w kwocie.
W zamówieniu brakuje jednej pozycji, proszę o dosłanie.
Jutro mamy premierę, więc prosimy w miarę możliwości o priorytet dla tego błędu.
Proszę o korektę za dni bez internetu.
Pobrano dwa razy za jeden zakup, proszę zwrócić nadpłatę.
Proszę o wymianę dania: stek był surowy w środku.
Fachowiec nie przymocował umywalki, proszę o ponowną wizytę w ramach gwarancji.
Chciałbym dostać nagranie lekcji, którą opuściłem z powodu choroby.
Proszę o zwrot zaliczki za bankiet odwołany z Państwa winy.
Towar nie zgadza się z opisem na stronie, chcę go zwrócić.
Proszę wymienić router, restartuje się co pół godziny.
Proszę o telefon dziś w godzinach pracy, najlepiej po 14:00.
Czy mogę zawiesić karnet na czas delegacji?
Proszę o wymianę rozmiaru, kurtka jest za mała.
"""),
)

TEST = Pools(
    aggression=split_lines("""
Tępi jesteście jak noga od stołu.
Co za beznadziejny serwis, brak słów.
PO CO WY TAM W OGÓLE SIEDZICIE, LENIE?
Ta konsultantka to chamka i niedojda.
Firma amatorów i obiboków.
wasza obsluga to jakis zart
Świnie, a nie kelnerzy.
Niedouczone lenie, tym właśnie jesteście.
Banda partaczy z ładną stroną internetową.
"""),
    threat=split_lines("""
Nie załatwicie tego w dobę — składam pozew.
Informacja o waszej fuszerce trafi na każdą grupę branżową.
Za ten etap nie przeleję ani grosza, dopóki nie zobaczę efektu.
Anuluję płatność przez bank, skoro tak pracujecie.
Mój adwokat skontaktuje się z wami w poniedziałek.
Daję wam czas do wieczora, potem zawiadomienie na policję.
Jeszcze pożałujecie, że zadarliście ze mną.
Albo rekompensata, albo artykuł w mediach.
Napiszę do Rzecznika Finansowego i zobaczymy, kto ma rację.
"""),
    unreasonable_demand=split_lines("""
Zróbcie mi całą stronę od nowa za darmo, poprzednia przestała mi się podobać.
Proszę mi dać prywatną komórkę waszej szefowej.
Potrzebuję tłumaczenia całej książki na jutro, 400 stron.
Podpiszcie odbiór bez sprawdzania, inspektorowi zapłacę osobno.
Sprzedajcie mi po cenie hurtowej, choć biorę jedno opakowanie.
Kurs był drogi, więc chcę dwa kolejne w prezencie.
Wpiszcie w umowie najmu niższą kwotę, żebym nie płacił podatku.
Jeszcze piętnaście wersji tekstu za darmo, aż powiem „stop”.
Kolacja dla całej firmy na koszt lokalu, przecież często bywamy.
"""),
    pressure=split_lines("""
Odpowiedź potrzebna mi w tej sekundzie!
Chcę odpowiedzi teraz, nie za godzinę.
Proszę pilnie zawołać kierownika na czat.
Czekam na natychmiastowy telefon.
Szybko, szybko, odpisujcie!!!
Oddzwońcie do mnie od razu.
PILNIE ODPISZCIE
Proszę natychmiast przesłać dostępy.
Daję minutę na odpowiedź, nie więcej.
"""),
    night_complaint=split_lines("""
W nocy nie da się do was dodzwonić — co to za obsługa?
W niedzielę żaden pracownik nie odpowiedział na moje pytanie.
Czekałem na odpowiedź całą noc i nic.
Chcę, żebyście byli dostępni zawsze, nawet o trzeciej w nocy.
Weekend to nie wymówka, żeby milczeć.
O północy wasz czat milczy jak zaklęty.
Po 18:00 nie ma u was nikogo — mam czekać do rana?
Wasz „całodobowy” czat w nocy nie działa.
Znowu {weekday} zero odpowiedzi, ile można?
"""),
    neutral=split_lines("""
Kiedy będzie kolejna dostawa?
Czy jest zniżka dla studentów?
Proszę o cennik hurtowy.
Odbiorę zamówienie jutro po południu, dziękuję.
Gdzie znajdę harmonogram zajęć na przyszły miesiąc?
Zapłaciłem fakturę, w załączniku potwierdzenie przelewu.
Czy można dodać do rezerwacji krzesełko dla dziecka?
Paczka odebrana, wszystko na miejscu 👍
Jak sprawdzić, ile minut zostało w pakiecie?
"""),
    civil_complaint=split_lines("""
Martwi mnie, że trzech konsultantów odpowiada na to samo pytanie inaczej.
Paczka przyszła w mokrym kartonie, to nieprzyjemne.
Fachowiec spóźnił się trzy godziny i nawet nie przeprosił.
Pizza przyjechała zimna i zgnieciona, bardzo szkoda.
Terminy projektu zostały przekroczone, a dowiedzieliśmy się w ostatniej chwili.
Szczerze, jestem zmęczony tłumaczeniem tego samego.
Przykro, że o własne zamówienie muszę się upominać kilka razy.
Jestem niemile zaskoczony jakością ostatniej partii.
Uważam za niesprawiedliwe, że rabat nie został naliczony.
"""),
    idiom=split_lines("""
Wasze ceny to nóż w serce, ale kurtka świetna.
Ten tort to bomba, goście zachwyceni!
Koledzy mnie zabiją, jak się dowiedzą, że znowu zamówiłem pizzę 😂
Ale z was potwory, tak szybko naprawione!
Kurs rozwalił mi mózg, w najlepszym sensie. Dzięki!
Portfel płacze, ale serce się cieszy.
Ten termin nas dobije, ale się trzymamy 💪
Powaliliście mnie tempem obsługi!
Zabójczo wygodna aplikacja, polecam.
"""),
    legal_question=split_lines("""
Jaki jest termin rozpatrzenia zgłoszenia według waszego regulaminu?
Czy reklamacja musi być na piśmie, czy wystarczy e-mail?
Gdzie znajdę aktualny regulamin sklepu?
Jaka jest procedura wcześniejszej spłaty kredytu?
Czy mogę jednostronnie wypowiedzieć umowę o szkolenie?
Jak prawidłowo zgłosić reklamację partii towaru?
Czy do wynajmu potrzebna jest zgoda drugiego współwłaściciela?
Kiedy według przepisów wystawiacie fakturę korygującą?
Który sąd jest właściwy według umowy dostawy?
"""),
    security_report=split_lines("""
Z waszego adresu przyszedł podejrzany mail z załącznikiem „faktura.zip”.
Ktoś w nocy zalogował się na moje konto i zmienił hasło.
Dzwonili niby od was i proponowali „zwrot nadpłaty” przez link.
Na platformie sprzedażowej działa fałszywy sklep pod waszą nazwą.
Wasz pracownik wysłał hasło do panelu otwartym tekstem, proszę je zmienić.
Zgubiłem telefon z waszą aplikacją, proszę zablokować dostęp.
Fałszywy agent pobiera zadatki w imieniu waszego biura, uważajcie.
Dostałem SMS z linkiem do „przedłużenia subskrypcji”, której nie mam.
Moje dane zamówienia widać na cudzym koncie.
"""),
    cancellation=split_lines("""
Nie potrzebujemy już Państwa usług, prosimy o zamknięcie umowy.
Wyłączam płatną subskrypcję, dziękuję za wszystko.
Proszę anulować zamówienie, zanim zostanie wysłane.
Nie przedłużam najmu, wyprowadzam się z końcem miesiąca.
Przechodzimy do innego banku, proszę przygotować zaświadczenie o zamknięciu.
Odwołuję wizytę fachowca, usterka już usunięta.
Nie będziemy przedłużać wsparcia technicznego strony.
Dziękujemy za lekcje, syn będzie dalej uczył się sam.
Zmieniamy dostawcę kawy do biura.
"""),
    reasonable_request=split_lines("""
Proszę wymienić wadliwy {product}, ekran mruga od pierwszego dnia.
Proszę przesłać fakturę dziś, musimy ją opłacić do końca miesiąca.
Proszę poprawić adres na liście przewozowym, jest błąd w numerze domu.
Przywieźli zły kolor, proszę o wymianę.
Proszę o zwrot kaucji: mieszkanie oddane w porządku, protokół podpisany.
Potrzebujemy dokumentów do piątku do rozliczeń, zdążycie?
Policzono nam jedno danie za dużo, proszę o zwrot różnicy.
Jeśli to możliwe, proszę o odpowiedź do końca dnia pracy, musimy zatwierdzić budżet.
Zamówienie spóźniło się tydzień, proszę o zwrot kosztów dostawy.
"""),
)

PACK = LanguagePack(
    lang="pl",
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

# ---- Dodane po przeglądzie zestawu challenge (data/challenge/README.md): więcej zdań w każdej
# puli (do 30 train / 12 test) w stylach, których brakowało: sarkazm, zawoalowane i uprzejme
# groźby, żądania udające prośby, slang, literówki. Tylko dopisujemy; jedno znaczenie na zdanie.
TRAIN.aggression.extend(split_lines("""
Gratulacje, udało się Państwu pomylić cztery razy w jednym mailu.
Jest tam ktoś, kto skończył szkołę? Proszę go dać do telefonu.
Mogę narysować obrazek, skoro słowa do was nie docierają.
Czytajcie dalej ze skryptu, bo nic więcej i tak nie umiecie.
CZEGO NIE ROZUMIECIE W SŁOWACH „NIE DZWONIĆ DO DRZWI”
wszyscy jestescie nieudacznikami, jak was jeszcze nie zwolnili
Niezły cyrk u was, od stażysty po prezesa.
Wasz tak zwany ekspert nie odróżni śrubokręta od widelca.
Dzięki za nic, geniusze.
Banda łamag, nie da się na was polegać.
Ale pomocna odpowiedź, pisał ją wasz kot?
Jesteście kiepskim żartem z logo.
"""))
TRAIN.threat.extend(split_lines("""
Wszystko udokumentowałam, a mój prawnik ma już kopię.
Z tej korespondencji wyszedłby świetny wiralowy post, nie sądzicie?
W grupie osiedlowej ciągle pytają mnie, kogo zatrudnić. Teraz wiem, co odpowiedzieć.
Nasza księgowość nie przeleje ani grosza więcej, dopóki wady nie zostaną usunięte.
Jutro składam skargę do UOKiK, jeśli nikt nie zadzwoni.
Proszę się dobrze zastanowić nad odpowiedzią, mój adwokat też ją przeczyta.
Prześlę to wszystko lokalnym dziennikarzom, jeśli nic się nie zmieni.
Cofnę płatność przez bank, zapewniam.
Zgłoszę sprawę do rzecznika konsumentów i niech on zdecyduje.
Zastrzegamy sobie kroki prawne i z nich skorzystamy.
Jeszcze jedno opóźnienie i widzimy się w sądzie.
Wystawię jedną gwiazdkę na każdym portalu z opiniami, jaki znajdę.
"""))
TRAIN.unreasonable_demand.extend(split_lines("""
Bądźcie tak mili i napiszcie na fakturze „zapłacono w całości”, resztę dopłacę później.
Mała prośba: odblokujcie mi wszystkie płatne moduły na darmowym koncie, kiedyś wykupię abonament.
Skoro wasza księgowa jest taka dobra, niech zrobi też PIT mojemu bratu, to rodzina.
Proszę o prywatny Instagram waszej graficzki, będę pisać do niej bezpośrednio.
Parę stówek dla Pana i mój wniosek idzie pierwszy, umowa?
Proszę zwrócić wszystko, co zapłaciłem od rejestracji, prawie nie korzystałem.
Chcę cenę hurtową, chociaż kupuję po jednej sztuce.
Pomalujcie całe biuro do poniedziałku, kosztorys podpisałem dopiero dziś po południu.
chce premium za darmo na zawsze, po czyms takim jestescie mi winni
Kaucję puścimy bokiem, bez papierów, i obaj zyskamy.
Niech informatyk przyjeżdża do mnie do domu, kiedy mi pasuje, to wchodzi w usługę.
Jeszcze dziesięć wersji logo, bez dopłaty oczywiście.
"""))
TRAIN.pressure.extend(split_lines("""
Za mną kolejka przy kasie, zatwierdźcie płatność w tej sekundzie.
Rzućcie wszystko i odpowiedzcie mi.
Proszę oddzwonić teraz, nie za godzinę.
Potrzebuję „tak” albo „nie” natychmiast.
odpiszcie TERAZ, taksówka czeka
Wyślijcie kod natychmiast, stoję pod drzwiami.
Chcę potwierdzenia w ciągu pięciu minut.
Proszę mi odpowiedzieć w tej chwili.
Wyślijcie umowę od razu.
Naprawcie to natychmiast i dajcie znać.
Odpowiedzcie wreszcie, nie mogę dłużej czekać.
Proszę natychmiast dać kierownika na czat.
"""))
TRAIN.night_complaint.extend(split_lines("""
Co noc po dwudziestej drugiej na czacie jest tylko bot, który nic nie umie.
Pęknięta rura nie czeka do poniedziałku, a wasi hydraulicy najwyraźniej tak.
Każde święto to samo: poczta głosowa.
Najwyraźniej po kolacji cała wasza firma wyłącza telefony.
Nie rozumiem, czemu nikt nie może odpisać na wiadomość o wpół do dwunastej w nocy.
pisałem w sobote i niedziele i nic
Wasz doradca powinien odbierać też wieczorami.
Napisałem o północy i do południa cisza.
W niedziele u was zawsze głucha cisza.
Oczekuję, że ktoś odbierze, nawet gdy dzwonię w środku nocy.
Wczoraj wieczorem znowu nikt nie odebrał.
W Wigilię nie da się do nikogo dodzwonić, a miałem problem.
"""))
TRAIN.neutral.extend(split_lines("""
co z zamówieniem {order}?
zadziałało, bardzo dziękuję
Pytanie: fakturujecie miesięcznie czy rocznie?
Mogę odebrać osobiście zamiast dostawy?
Mogę porozmawiać {weekday}, jeśli tak wygodniej.
Czy {product} jest dostępny w mieście {city}?
Czy można wysłać do paczkomatu?
Dziękuję za wczorajszą szybką pomoc.
Proszę o fakturę w PDF.
Ile trwa wysyłka do Czech?
Czy ten model jest w kolorze czarnym?
Zmieniłem adres, jest w stopce.
"""))
TRAIN.civil_complaint.extend(split_lines("""
Dla porządku: to mój czwarty mail w sprawie tej samej brakującej części.
Miło byłoby dostać odpowiedź, zanim skończy się gwarancja, szczerze mówiąc.
Spory zawód, w ogóle nie wygląda jak na zdjęciach.
Trzecie przełożenie w tym miesiącu, nie jestem zachwycony.
Moja cierpliwość się kończy.
Aktualizacja: przeciek wrócił, w tym samym miejscu.
Jestem wściekły, choć wiem, że to nie Pana wina osobiście.
To nie był dobry miesiąc z waszą obsługą, muszę to powiedzieć.
Faktura znowu jest błędna i bardzo mnie to irytuje.
Monter spóźnił się trzy godziny i nawet nie przeprosił.
Czuję się pozostawiony sam ze swoim zgłoszeniem.
Jedzenie przyszło zimne i brakowało jednego dania.
"""))
TRAIN.idiom.extend(split_lines("""
Playlista w waszej kawiarni to sztos.
Ten blender miażdży mrożone owoce, najlepszy zakup.
Szkolenie rozwaliło mi mózg.
Termin depcze mi po piętach, ale z waszej strony wszystko gra.
Zmiażdżyliśmy start dzięki wam.
Rachunek za prąd mnie wykończy, haha.
Zabiłbym za miejsce parkingowe przy waszym biurze.
Sernik był obłędny, po prostu zabójczy.
W biurze dziś zabójczy upał.
Mój laptop ledwo zipie.
Demo nas wszystkich zmiotło.
Tonę w papierach w tym miesiącu.
"""))
TRAIN.legal_question.extend(split_lines("""
Mój prawnik przegląda umowę i pyta o okres wypowiedzenia.
Czy jest termin na reklamację płatności kartą?
Prawo odstąpienia od umowy to 14 czy 30 dni?
Jaki organ was nadzoruje?
Gdzie znajdę regulamin w wersji, którą zaakceptowałem?
Jak długo przechowujecie moje dane osobowe?
Czy jest rzecznik, do którego mogę się zwrócić?
Czy umowa przedłuża się automatycznie i jak temu zapobiec?
Jakie dokumenty są potrzebne do reklamacji z tytułu rękojmi?
Czy wynajmujący może przyjść na oględziny bez uprzedzenia?
Kto jest u was inspektorem ochrony danych?
Czy można zwrócić produkty cyfrowe?
"""))
TRAIN.security_report.extend(split_lines("""
Dla informacji: na Facebooku ktoś podszywa się pod wasz support i prosi o numery kart.
W nocy ktoś wydał moje punkty lojalnościowe, to nie byłem ja.
Jakaś podejrzana strona sprzedaje wasze produkty za pół ceny z waszym logo.
Przez przypadek kliknąłem link w fałszywym mailu.
Ktoś zawarł u was umowę na moje nazwisko.
Na karcie jest płatność, której nie robiłem.
Dzwonił mężczyzna podający się za waszego technika i chciał zdalnego dostępu.
Chyba wyciekło moje hasło, proszę zablokować konto.
Dostaliśmy fakturę z waszym logo, ale z innym numerem konta.
W panelu klienta widzę zamówienia innej osoby.
Fałszywe konto waszego supportu na WhatsAppie prosi o hasła.
Ukradziono mi kartę, proszę ją zablokować.
"""))
TRAIN.cancellation.extend(split_lines("""
Obcięto nam budżet, więc po marcu kończymy współpracę abonamentową.
Proszę wyłączyć automatyczne odnowienie, wyjeżdżam na rok w podróż.
Proszę zamknąć moje konto z końcem miesiąca.
Niniejszym wypowiadam umowę z zachowaniem terminu.
Po zakończeniu umowy zmieniamy dostawcę.
Proszę anulować zamówienie {order}, już go nie potrzebuję.
Chcę zrezygnować z pozostałych zajęć.
Kończymy współpracę po obecnym projekcie.
Chcę zrezygnować z subskrypcji od przyszłego miesiąca.
Odwołuję stolik na dziś, przepraszam.
Od lipca umowa serwisowa nie jest nam już potrzebna.
Proszę potwierdzić wypowiedzenie na piśmie.
"""))
TRAIN.reasonable_request.extend(split_lines("""
Czy kosztorys mógłby być na PIĄTEK? W poniedziałek zbiera się zarząd.
Lodówka nie chłodzi, możecie wysłać urządzenie zastępcze?
Słuchawki trzeszczą z lewej strony, mogę je wymienić?
Instalator odwołał wizytę rano, znajdziemy inny dzień w przyszłym tygodniu?
Naliczono nam dwie licencje zamiast jednej, proszę o zwrot różnicy.
Paczka jest na DRUGIE piętro, nie do sklepu na dole.
Urządzenie zepsuło się na gwarancji, jak wygląda naprawa?
Czy możecie wystawić fakturę ponownie z naszym NIP-em?
Prosimy o częściowy zwrot, dostarczono tylko połowę.
Możecie nadać priorytet zgłoszeniu? Jutro wypłaty.
Proszę poprawić nazwę firmy na fakturze.
Przyszedł zły rozmiar, mogę wymienić?
"""))

TEST.aggression.extend(split_lines("""
Rozumiecie w ogóle po polsku, czy tylko swoje szablony?
Pożytku z was jak z kozła mleka.
PRZESTAŃCIE MI WYSYŁAĆ TEN SAM LINK
"""))
TEST.threat.extend(split_lines("""
Nagrywam wszystkie rozmowy, w piątek nagrania dostanie mój adwokat.
Ciekawe, co powie franczyzodawca, jak mu wyślę te zdjęcia.
Ani jednej raty więcej, dopóki dach przecieka.
"""))
TEST.unreasonable_demand.extend(split_lines("""
Bądź aniołem i podpisz, że byłem na wszystkich zajęciach.
Montaż, przedłużona gwarancja i dostawa gratis? Proszę po dobroci.
Mała koperta dla rzeczoznawcy i mieszkanie jest warte więcej, prawda?
"""))
TEST.pressure.extend(split_lines("""
Stoję pod bramą, wyślijcie kod w tej sekundzie.
odpowiedzcie. teraz. proszę.
Potwierdźcie to natychmiast!
"""))
TEST.night_complaint.extend(split_lines("""
Nocna linia przez godzinę gra muzykę, a potem się rozłącza.
Przez cały majowy weekend ani słowa od was.
W nocy nikt u was nigdy nie odpowiada.
"""))
TEST.neutral.extend(split_lines("""
co słychać z {order}?
dzięki, już wszystko działa
Dostarczacie w soboty?
"""))
TEST.civil_complaint.extend(split_lines("""
Trzeci raz przypominam o tej samej fakturze.
Szkoda, część znowu przyszła wygięta.
Jestem bardzo niezadowolony z prowadzenia mojej sprawy.
"""))
TEST.idiom.extend(split_lines("""
Wasza nowa aplikacja to bestia.
Ten upał zabija nasz trawnik, haha.
Ta cena mnie dobiła.
"""))
TEST.legal_question.extend(split_lines("""
Nasz dział prawny pyta, który sąd jest właściwy.
Ile mam czasu na zwrot zakupu przez internet?
Do jakiego urzędu mogę złożyć skargę, jeśli trzeba?
"""))
TEST.security_report.extend(split_lines("""
Dostałem maila phishingowego z waszym logo.
Ktoś od rana próbuje zresetować moje hasło.
Link od kuriera żąda opłaty celnej w waszym imieniu.
"""))
TEST.cancellation.extend(split_lines("""
W tym roku nie przedłużamy umowy.
Proszę zakończyć moje członkostwo z końcem kwartału.
Przechodzimy do innego wykonawcy, dziękujemy za te lata.
"""))
TEST.reasonable_request.extend(split_lines("""
Klucze potrzebne DZIŚ, jeśli się da, jutro się przeprowadzamy.
Drukarka jest zepsuta, możecie wysłać inną?
Czy możemy przesunąć spotkanie o dwa dni?
"""))
