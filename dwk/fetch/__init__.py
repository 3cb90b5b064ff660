"""`dwk data fetch`: tables over the GENESIS REST API 2020 that GENESIS-Online,
regionalstatistik.de and the Zensus 2022 database share.

`api` sends one request and tells a table from a status answer; `plan` splits a request that
is over the API's cell limit; `provenance` keeps beside each fetched file where it came from;
`run` fetches, checks and imports the files like downloaded ones.
"""
