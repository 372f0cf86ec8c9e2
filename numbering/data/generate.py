#!/usr/bin/env python3
"""Writes numbering.json, the built-in numbering data set of Reachline.

Usage (from this directory): python3 generate.py > numbering.json

Where each part comes from:
- areaCodes and postalCodes: written by hand for this project from general
  knowledge of the North American Numbering Plan, ZIP code prefixes and
  Canadian postal districts (no third-party data file was copied). Edit the
  tables below, never the generated JSON.
- countries: read from the tz database's own zone.tab (public domain), found
  at /usr/share/zoneinfo/zone.tab on Debian (tzdata 2025b when generated).
  Every zone is validated against chrono-tz when the crate parses the file.

Rule for zones: an area code or postal prefix lists EVERY IANA zone a number
there may be in (the compliance rules intersect the calling windows), so when
in doubt a zone is added, never dropped.
"""

import json
import sys

VERSION = "builtin-2026-11"
ZONE_TAB = "/usr/share/zoneinfo/zone.tab"

# Zone groups used more than once.
ET = ["America/New_York"]
CT = ["America/Chicago"]
MT = ["America/Denver"]
PT = ["America/Los_Angeles"]
ALASKA = [
    "America/Anchorage", "America/Juneau", "America/Sitka", "America/Metlakatla",
    "America/Yakutat", "America/Nome", "America/Adak",
]
DETROIT = ["America/Detroit"]
INDY = ["America/Indiana/Indianapolis"]
# Southern Indiana (812/930): Evansville and Perry County keep Central time,
# the rest is Eastern; IANA has one zone per county history.
SOUTH_INDIANA = [
    "America/Indiana/Indianapolis", "America/Chicago", "America/Indiana/Tell_City",
    "America/Indiana/Petersburg", "America/Indiana/Vincennes",
    "America/Indiana/Marengo", "America/Indiana/Vevay",
]
# Saskatchewan: no DST (Regina, Swift_Current), but Lloydminster keeps Alberta
# time and Creighton keeps Manitoba time on the same area codes.
SASKATCHEWAN = ["America/Regina", "America/Swift_Current", "America/Edmonton", "America/Winnipeg"]
# British Columbia outside the Lower Mainland: Pacific, plus the Peace River
# (Dawson_Creek, Fort_Nelson: MST all year), Creston (MST) and the East
# Kootenays (Mountain time with DST).
BC_ALL = [
    "America/Vancouver", "America/Edmonton", "America/Dawson_Creek",
    "America/Fort_Nelson", "America/Creston",
]
# Eastern Quebec: the Magdalen Islands keep Atlantic time, the Lower North
# Shore east of Natashquan keeps AST all year (Blanc-Sablon).
QC_EAST = ["America/Toronto", "America/Halifax", "America/Blanc-Sablon"]
NORTH_ONTARIO = ["America/Toronto", "America/Winnipeg", "America/Atikokan"]
TERRITORIES = [
    "America/Whitehorse", "America/Dawson", "America/Edmonton", "America/Inuvik",
    "America/Iqaluit", "America/Rankin_Inlet", "America/Cambridge_Bay",
    "America/Resolute", "America/Atikokan",
]
NEWFOUNDLAND_LABRADOR = ["America/St_Johns", "America/Goose_Bay"]
MARITIMES = ["America/Halifax", "America/Glace_Bay"]

# (country, regions, area codes, zones). Regions are ISO 3166-2 subdivision
# codes without the country prefix; several when one area code serves several
# provinces (902: NS and PE; 867: the three territories). Caribbean and Pacific
# NANP members carry their own ISO country and no region.
AREA_CODES = [
    # ---- United States: states and DC ----
    ("US", ["AL"], "205 251 256 659 938", CT),
    # 334/483: Phenix City and the Chattahoochee valley keep Eastern time
    # (unofficially, with Columbus GA).
    ("US", ["AL"], "334 483", CT + ET),
    ("US", ["AK"], "907", ALASKA),
    ("US", ["AZ"], "480 520 602 623", ["America/Phoenix"]),
    # 928: the Navajo Nation observes DST (Mountain), the rest of Arizona not.
    ("US", ["AZ"], "928", ["America/Phoenix", "America/Denver"]),
    ("US", ["AR"], "327 479 501 870", CT),
    ("US", ["CA"], "209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 "
                   "619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 "
                   "837 840 858 909 916 925 949 951", PT),
    ("US", ["CO"], "303 719 720 970 983", MT),
    ("US", ["CT"], "203 475 860 959", ET),
    ("US", ["DE"], "302", ET),
    ("US", ["DC"], "202 771", ET),
    ("US", ["FL"], "239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 "
                   "813 863 904 941 954", ET),
    # 850/448: the Panhandle west of the Apalachicola River is Central.
    ("US", ["FL"], "448 850", CT + ET),
    ("US", ["GA"], "229 404 470 478 678 706 762 770 912 943", ET),
    ("US", ["HI"], "808", ["Pacific/Honolulu"]),
    # Idaho: the south is Mountain (Boise), the panhandle Pacific.
    ("US", ["ID"], "208 986", ["America/Boise", "America/Los_Angeles"]),
    ("US", ["IL"], "217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872", CT),
    # Indiana: the north-west corner (Gary) is Central.
    ("US", ["IN"], "219", ["America/Chicago", "America/Indiana/Indianapolis"]),
    ("US", ["IN"], "260 317 463 765", INDY),
    # 574: Starke County (Knox) is Central, Pulaski County (Winamac) Eastern.
    ("US", ["IN"], "574", INDY + ["America/Indiana/Knox", "America/Indiana/Winamac"]),
    ("US", ["IN"], "812 930", SOUTH_INDIANA),
    ("US", ["IA"], "319 515 563 641 712", CT),
    ("US", ["KS"], "316 913", CT),
    # Western Kansas border counties (Sherman, Wallace, Greeley, Hamilton) are Mountain.
    ("US", ["KS"], "620 785", CT + MT),
    # Kentucky: the west is Central, the east Eastern; Louisville and Wayne
    # County (Monticello) have their own IANA zones; Clinton County (606) is Central.
    ("US", ["KY"], "270 364", CT + ET),
    ("US", ["KY"], "502", ["America/Kentucky/Louisville", "America/New_York"]),
    ("US", ["KY"], "606", ET + ["America/Kentucky/Monticello", "America/Chicago"]),
    ("US", ["KY"], "859", ET),
    ("US", ["LA"], "225 318 337 504 985", CT),
    ("US", ["ME"], "207", ET),
    ("US", ["MD"], "227 240 301 410 443 667", ET),
    ("US", ["MA"], "339 351 413 508 617 774 781 857 978", ET),
    ("US", ["MI"], "231 248 269 313 517 586 616 679 734 810 947 989", DETROIT),
    # Upper Peninsula: the four counties bordering Wisconsin are Central.
    ("US", ["MI"], "906", DETROIT + ["America/Menominee"]),
    ("US", ["MN"], "218 320 507 612 651 763 952", CT),
    ("US", ["MS"], "228 601 662 769", CT),
    ("US", ["MO"], "235 314 417 557 573 636 660 816 975", CT),
    ("US", ["MT"], "406", MT),
    ("US", ["NE"], "402 531", CT),
    # Western Nebraska (panhandle, Sandhills west) is Mountain.
    ("US", ["NE"], "308", CT + MT),
    ("US", ["NV"], "702 725", PT),
    # 775: West Wendover (Elko County) keeps Mountain time.
    ("US", ["NV"], "775", PT + MT),
    ("US", ["NH"], "603", ET),
    ("US", ["NJ"], "201 551 609 640 732 848 856 862 908 973", ET),
    ("US", ["NM"], "505 575", MT),
    ("US", ["NY"], "212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 "
                   "838 845 914 917 929 934", ET),
    ("US", ["NC"], "252 336 472 704 743 828 910 919 980 984", ET),
    # North Dakota: the south-west is Mountain; Oliver, Morton and Mercer
    # counties moved to Central and have their own IANA zones.
    ("US", ["ND"], "701", CT + [
        "America/North_Dakota/Center", "America/North_Dakota/New_Salem",
        "America/North_Dakota/Beulah", "America/Denver",
    ]),
    ("US", ["OH"], "216 220 234 283 326 330 380 419 436 440 513 567 614 740 937", ET),
    ("US", ["OK"], "405 539 572 580 918", CT),
    ("US", ["OR"], "503 971", PT),
    # 541/458: Malheur County (Ontario) is Mountain.
    ("US", ["OR"], "458 541", PT + ["America/Boise"]),
    ("US", ["PA"], "215 223 267 272 412 445 484 570 582 610 717 724 814 835 878", ET),
    ("US", ["RI"], "401", ET),
    ("US", ["SC"], "803 821 839 843 854 864", ET),
    # South Dakota: west of the Missouri (Rapid City) is Mountain.
    ("US", ["SD"], "605", CT + MT),
    ("US", ["TN"], "615 629 731 901", CT),
    ("US", ["TN"], "865", ET),
    # 423/729 (Chattanooga: Marion, Sequatchie, Bledsoe are Central) and 931
    # (Cumberland Plateau) cross the Eastern/Central line.
    ("US", ["TN"], "423 729 931", ET + CT),
    ("US", ["TX"], "210 214 254 281 325 346 361 409 430 469 512 682 713 726 737 806 "
                   "817 830 832 903 936 940 945 956 972 979", CT),
    # 432: Midland/Odessa are Central, Culberson County is Mountain.
    ("US", ["TX"], "432", CT + MT),
    # 915: El Paso and Hudspeth counties, Mountain.
    ("US", ["TX"], "915", MT),
    ("US", ["UT"], "385 435 801", MT),
    ("US", ["VT"], "802", ET),
    ("US", ["VA"], "276 434 540 571 686 703 757 804 826 948", ET),
    ("US", ["WA"], "206 253 360 425 509 564", PT),
    ("US", ["WV"], "304 681", ET),
    ("US", ["WI"], "262 274 353 414 534 608 715 920", CT),
    ("US", ["WY"], "307", MT),
    # ---- United States: territories (own ISO country, no region) ----
    ("PR", [], "787 939", ["America/Puerto_Rico"]),
    ("VI", [], "340", ["America/St_Thomas"]),
    ("GU", [], "671", ["Pacific/Guam"]),
    ("MP", [], "670", ["Pacific/Saipan"]),
    ("AS", [], "684", ["Pacific/Pago_Pago"]),
    # ---- Canada ----
    ("CA", ["AB"], "368 403 587 780 825", ["America/Edmonton"]),
    ("CA", ["BC"], "604", ["America/Vancouver"]),
    ("CA", ["BC"], "236 250 257 672 778", BC_ALL),
    ("CA", ["MB"], "204 431 584", ["America/Winnipeg"]),
    ("CA", ["NB"], "428 506", ["America/Moncton"]),
    ("CA", ["NL"], "709 879", NEWFOUNDLAND_LABRADOR),
    ("CA", ["NS", "PE"], "782 902", MARITIMES),
    ("CA", ["ON"], "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 "
                   "905 942", ["America/Toronto"]),
    # 807: Thunder Bay is Eastern, Kenora and Rainy River Central, Atikokan EST.
    ("CA", ["ON"], "807", NORTH_ONTARIO),
    ("CA", ["QC"], "263 354 438 450 468 514 579 819 873", ["America/Toronto"]),
    ("CA", ["QC"], "367 418 581", QC_EAST),
    ("CA", ["SK"], "306 474 639", SASKATCHEWAN),
    ("CA", ["YT", "NT", "NU"], "867", TERRITORIES),
    # ---- Caribbean and Atlantic NANP members ----
    ("AG", [], "268", ["America/Antigua"]),
    ("AI", [], "264", ["America/Anguilla"]),
    ("BS", [], "242", ["America/Nassau"]),
    ("BB", [], "246", ["America/Barbados"]),
    ("BM", [], "441", ["Atlantic/Bermuda"]),
    ("VG", [], "284", ["America/Tortola"]),
    ("KY", [], "345", ["America/Cayman"]),
    ("DM", [], "767", ["America/Dominica"]),
    ("DO", [], "809 829 849", ["America/Santo_Domingo"]),
    ("GD", [], "473", ["America/Grenada"]),
    ("JM", [], "658 876", ["America/Jamaica"]),
    ("MS", [], "664", ["America/Montserrat"]),
    ("KN", [], "869", ["America/St_Kitts"]),
    ("LC", [], "758", ["America/St_Lucia"]),
    ("VC", [], "784", ["America/St_Vincent"]),
    ("SX", [], "721", ["America/Lower_Princes"]),
    ("TT", [], "868", ["America/Port_of_Spain"]),
    ("TC", [], "649", ["America/Grand_Turk"]),
]

# US ZIP code three-digit prefixes: (prefix or range, state, zones).
# Military (AA/AE/AP) and the Pacific freely-associated states are left out.
US_POSTAL = [
    ("005", "NY", ET),
    ("006-007", "PR", ["America/Puerto_Rico"]),
    ("008", "VI", ["America/St_Thomas"]),
    ("009", "PR", ["America/Puerto_Rico"]),
    ("010-027", "MA", ET),
    ("028-029", "RI", ET),
    ("030-038", "NH", ET),
    ("039-049", "ME", ET),
    ("050-054", "VT", ET),
    ("055", "MA", ET),
    ("056-059", "VT", ET),
    ("060-069", "CT", ET),
    ("070-089", "NJ", ET),
    ("100-149", "NY", ET),
    ("150-196", "PA", ET),
    ("197-199", "DE", ET),
    ("200", "DC", ET),
    ("201", "VA", ET),
    ("202-205", "DC", ET),
    ("206-219", "MD", ET),
    ("220-246", "VA", ET),
    ("247-268", "WV", ET),
    ("270-289", "NC", ET),
    ("290-299", "SC", ET),
    ("300-319", "GA", ET),
    ("320-323", "FL", ET),
    # 324: Panama City (Central) and Gulf County (Port St. Joe, Eastern).
    ("324", "FL", CT + ET),
    ("325", "FL", CT),
    ("326-339", "FL", ET),
    ("341-349", "FL", ET),
    ("350-369", "AL", CT),
    ("370-372", "TN", CT),
    ("373-374", "TN", ET + CT),
    ("375", "TN", CT),
    ("376-379", "TN", ET),
    ("380-384", "TN", CT),
    ("385", "TN", CT + ET),
    ("386-397", "MS", CT),
    ("398-399", "GA", ET),
    ("400-402", "KY", ["America/Kentucky/Louisville", "America/New_York"]),
    ("403-418", "KY", ET),
    ("420-424", "KY", CT),
    ("425-427", "KY", ET + ["America/Kentucky/Monticello", "America/Chicago"]),
    ("430-459", "OH", ET),
    ("460-462", "IN", INDY),
    ("463-464", "IN", CT + INDY + ["America/Indiana/Knox", "America/Indiana/Winamac"]),
    ("465-466", "IN", INDY + ["America/Indiana/Knox", "America/Indiana/Winamac"]),
    ("467-469", "IN", INDY),
    ("470", "IN", INDY + ["America/Indiana/Vevay"]),
    ("471", "IN", INDY + ["America/Indiana/Marengo"]),
    ("472-474", "IN", INDY),
    ("475", "IN", SOUTH_INDIANA),
    ("476-477", "IN", CT),
    ("478", "IN", INDY),
    ("479", "IN", INDY + CT),
    ("480-497", "MI", DETROIT),
    ("498-499", "MI", DETROIT + ["America/Menominee"]),
    ("500-528", "IA", CT),
    ("530-549", "WI", CT),
    ("550-567", "MN", CT),
    ("569", "DC", ET),
    ("570-574", "SD", CT),
    ("575-576", "SD", CT + MT),
    ("577", "SD", MT),
    ("580-584", "ND", CT),
    ("585", "ND", CT + [
        "America/North_Dakota/Center", "America/North_Dakota/New_Salem",
        "America/North_Dakota/Beulah",
    ]),
    ("586", "ND", MT),
    ("587", "ND", CT),
    ("588", "ND", CT + MT),
    ("590-599", "MT", MT),
    ("600-629", "IL", CT),
    ("630-658", "MO", CT),
    ("660-676", "KS", CT),
    ("677-678", "KS", CT + MT),
    ("679", "KS", CT),
    ("680-689", "NE", CT),
    ("690-692", "NE", CT + MT),
    ("693", "NE", MT),
    ("700-714", "LA", CT),
    ("716-729", "AR", CT),
    ("730-732", "OK", CT),
    ("733", "TX", CT),
    ("734-749", "OK", CT),
    ("750-797", "TX", CT),
    # 798: El Paso region (Mountain) but also Alpine and Marfa (Central).
    ("798", "TX", MT + CT),
    ("799", "TX", MT),
    ("800-816", "CO", MT),
    ("820-831", "WY", MT),
    ("832-834", "ID", ["America/Boise"]),
    # 835: Lewiston (Pacific) and Idaho County (split).
    ("835", "ID", ["America/Boise", "America/Los_Angeles"]),
    ("836-837", "ID", ["America/Boise"]),
    ("838", "ID", PT),
    ("840-847", "UT", MT),
    ("850-859", "AZ", ["America/Phoenix"]),
    # 860 and 865: Flagstaff and the Navajo Nation, which observes DST.
    ("860", "AZ", ["America/Phoenix", "America/Denver"]),
    ("863-864", "AZ", ["America/Phoenix"]),
    ("865", "AZ", ["America/Phoenix", "America/Denver"]),
    ("870-884", "NM", MT),
    ("885", "TX", MT),
    ("889-897", "NV", PT),
    # 898: Elko County, including West Wendover (Mountain).
    ("898", "NV", PT + MT),
    ("900-961", "CA", PT),
    ("967-968", "HI", ["Pacific/Honolulu"]),
    ("970-978", "OR", PT),
    # 979: Malheur County (Ontario), Mountain.
    ("979", "OR", PT + ["America/Boise"]),
    ("980-994", "WA", PT),
    ("995-999", "AK", ALASKA),
]

# Canadian postal codes: first letter (the postal district) → province(s), zones.
CA_POSTAL = [
    ("A", ["NL"], NEWFOUNDLAND_LABRADOR),
    ("B", ["NS"], MARITIMES),
    ("C", ["PE"], ["America/Halifax"]),
    ("E", ["NB"], ["America/Moncton"]),
    ("G", ["QC"], QC_EAST),
    ("H", ["QC"], ["America/Toronto"]),
    ("J", ["QC"], ["America/Toronto"]),
    ("K", ["ON"], ["America/Toronto"]),
    ("L", ["ON"], ["America/Toronto"]),
    ("M", ["ON"], ["America/Toronto"]),
    ("N", ["ON"], ["America/Toronto"]),
    ("P", ["ON"], NORTH_ONTARIO),
    ("R", ["MB"], ["America/Winnipeg"]),
    ("S", ["SK"], SASKATCHEWAN),
    ("T", ["AB"], ["America/Edmonton"]),
    ("V", ["BC"], BC_ALL),
    ("X", ["NT", "NU"], [
        "America/Edmonton", "America/Inuvik", "America/Iqaluit", "America/Rankin_Inlet",
        "America/Cambridge_Bay", "America/Resolute", "America/Atikokan",
    ]),
    ("Y", ["YT"], ["America/Whitehorse", "America/Dawson"]),
]


def region_fields(regions):
    """One region → "region"; several → "regions"; none → nothing."""
    if len(regions) == 1:
        return {"region": regions[0]}
    if regions:
        return {"regions": regions}
    return {}


def area_codes():
    entries = []
    for country, regions, codes, zones in AREA_CODES:
        for code in codes.split():
            entry = {"areaCode": code, "country": country}
            entry.update(region_fields(regions))
            entry["zones"] = zones
            entries.append(entry)
    entries.sort(key=lambda entry: entry["areaCode"])
    return entries


def countries():
    zones_by_country = {}
    with open(ZONE_TAB, encoding="utf-8") as zone_tab:
        for line in zone_tab:
            if line.startswith("#") or not line.strip():
                continue
            country, _coordinates, zone = line.rstrip("\n").split("\t")[:3]
            zones_by_country.setdefault(country, []).append(zone)
    return dict(sorted(zones_by_country.items()))


def postal_codes():
    us = [dict({"prefix": prefix, "region": state}, zones=zones) for prefix, state, zones in US_POSTAL]
    ca = []
    for prefix, regions, zones in CA_POSTAL:
        entry = {"prefix": prefix}
        entry.update(region_fields(regions))
        entry["zones"] = zones
        ca.append(entry)
    return {"US": us, "CA": ca}


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def write(out):
    """JSON with one entry per line, so that reviews and diffs stay readable."""
    out.write('{\n  "format": 1,\n  "version": %s,\n' % compact(VERSION))
    out.write('  "areaCodes": [\n')
    out.write(",\n".join("    " + compact(entry) for entry in area_codes()))
    out.write("\n  ],\n")
    out.write('  "countries": {\n')
    out.write(",\n".join("    %s: %s" % (compact(country), compact(zones))
                         for country, zones in countries().items()))
    out.write("\n  },\n")
    out.write('  "postalCodes": {\n')
    tables = []
    for country, entries in postal_codes().items():
        body = ",\n".join("      " + compact(entry) for entry in entries)
        tables.append("    %s: [\n%s\n    ]" % (compact(country), body))
    out.write(",\n".join(tables))
    out.write("\n  }\n}\n")


if __name__ == "__main__":
    write(sys.stdout)
