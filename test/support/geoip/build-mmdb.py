"""Builds the small MaxMind DB files the GeoIP enrichment tests read, with known entries.

usage: build-mmdb.py OUT_DIR
Writes city.mmdb (GeoLite2-City form), flat-city.mmdb (ip-location-db city form) and
asn.mmdb (GeoLite2-ASN form), each with IPv4 and IPv6 networks, and asn-ipv4.mmdb (GeoLite2-ASN
form, an IPv4-only file), into OUT_DIR.
"""
import sys

from mmdb_writer import MMDBWriter
from netaddr import IPSet

out = sys.argv[1]


def names(en):
    return {"names": {"en": en, "de": en + " (de)"}}


city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City", languages=["en"])
city.insert_network(
    IPSet(["81.2.69.0/24"]),
    {
        "continent": {"code": "EU", **names("Europe")},
        "country": {"iso_code": "GB", **names("United Kingdom")},
        "subdivisions": [{"iso_code": "ENG", **names("England")}],
        "city": names("London"),
        "postal": {"code": "SW1A"},
        "location": {"latitude": 51.5142, "longitude": -0.0931, "time_zone": "Europe/London"},
    },
)
city.insert_network(
    IPSet(["2a02:cf40::/29"]),
    {"continent": {"code": "EU", **names("Europe")}, "country": {"iso_code": "NO", **names("Norway")}},
)
# A database that (wrongly) locates private space: the enrichment must never ask it.
city.insert_network(IPSet(["10.0.0.0/8"]), {"country": {"iso_code": "AU", **names("Australia")}})
city.to_db_file(f"{out}/city.mmdb")

flat = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="dbip-city-lite")
flat.insert_network(
    IPSet(["89.160.20.0/24"]),
    {"city": "Linköping", "state1": "Östergötland", "country_code": "SE", "latitude": 58.4167, "longitude": 15.6167},
)
flat.insert_network(IPSet(["2001:218::/32"]), {"country_code": "JP"})
flat.to_db_file(f"{out}/flat-city.mmdb")

asn = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-ASN")
asn.insert_network(IPSet(["81.2.69.0/24"]), {"autonomous_system_number": 20712, "autonomous_system_organization": "Andrews & Arnold Ltd"})
asn.insert_network(IPSet(["2a02:cf40::/29"]), {"autonomous_system_number": 64512})
asn.to_db_file(f"{out}/asn.mmdb")

# An IPv4-only file. 42.2.0.0/16 is what 2a02:cf40::/29's first 32 bits read as: a reader that
# walks an IPv6 address through this tree answers with it.
asn4 = MMDBWriter(ip_version=4, database_type="GeoLite2-ASN")
asn4.insert_network(IPSet(["81.2.69.0/24"]), {"autonomous_system_number": 65010, "autonomous_system_organization": "IPv4 Only Co"})
asn4.insert_network(IPSet(["42.2.0.0/16"]), {"autonomous_system_number": 65099, "autonomous_system_organization": "Wrong Co"})
asn4.to_db_file(f"{out}/asn-ipv4.mmdb")
