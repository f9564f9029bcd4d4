"""The shared signature vectors of packages/core: Python must sign byte for byte as TypeScript does."""
import json
import os
import unittest

from cuitty_sdk import sign, signing_string

VECTORS = os.path.join(os.path.dirname(__file__), "..", "..", "core", "test-vectors", "signature-vectors.json")


class SignatureVectorsTest(unittest.TestCase):
    def test_every_shared_vector_gives_the_same_signing_string_and_signature(self):
        with open(VECTORS, encoding="utf-8") as f:
            vectors = json.load(f)["vectors"]
        self.assertGreater(len(vectors), 0)
        for v in vectors:
            with self.subTest(v["name"]):
                self.assertEqual(
                    signing_string(v["timestamp"], v["method"], v["pathAndQuery"], v["body"]),
                    v["signingString"].encode("utf-8"),
                )
                self.assertEqual(sign(v["apiKey"], v["timestamp"], v["method"], v["pathAndQuery"], v["body"]), v["signature"])


if __name__ == "__main__":
    unittest.main()
