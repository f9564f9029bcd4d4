"""Against a real server: CUITTY_TEST_PORTAL_URL, CUITTY_TEST_PROJECT_ID, CUITTY_TEST_INGEST_KEY, CUITTY_TEST_READ_KEY
(set by packages/sdk/test/python.test.ts, which starts one); skipped when they are absent."""
import os
import unittest
import uuid

from cuitty_sdk import Client, CuittyError

URL = os.environ.get("CUITTY_TEST_PORTAL_URL")
PROJECT = os.environ.get("CUITTY_TEST_PROJECT_ID")
INGEST = os.environ.get("CUITTY_TEST_INGEST_KEY")
READ = os.environ.get("CUITTY_TEST_READ_KEY")


@unittest.skipUnless(URL and PROJECT and INGEST and READ, "no test server (run through `pnpm --filter @cuitty/sdk test`)")
class RealServerTest(unittest.TestCase):
    def setUp(self):
        self.client = Client(URL, PROJECT, INGEST, retries=0)
        self.key = "py-" + uuid.uuid4().hex[:8]

    def test_an_emitted_event_is_recorded_and_a_repeat_is_a_no_op(self):
        event = {"id": "evt_" + self.key, "type": "deploy", "deploy": self.key, "status": "live", "environment": "production"}
        first = self.client.emit(event)
        self.assertTrue(first["changed"])
        self.assertEqual(first["deploy"]["status"], "live")
        again = self.client.emit(event)
        self.assertFalse(again["changed"])
        self.assertTrue(again["duplicate"])
        reader = Client(URL, PROJECT, READ)
        listed = reader.query("deploys.list", {"environment": "production", "limit": 50})
        self.assertIn(first["deploy"]["id"], [d["id"] for d in listed["items"]])

    def test_a_batch_answers_per_event_in_order(self):
        results = self.client.emit_batch(
            [
                {"type": "deploy", "deploy": self.key, "status": "building", "environment": "production"},
                {"type": "deploy", "deploy": self.key, "status": "live", "environment": "production"},
                {"type": "deploy", "deploy": self.key, "status": "building", "environment": "production"},
            ]
        )
        self.assertEqual([r["ok"] for r in results], [True, True, False])
        self.assertEqual(results[2]["error"]["cuittyCode"], "INVALID_TRANSITION")

    def test_a_wrong_key_is_refused_with_bad_signature(self):
        with self.assertRaises(CuittyError) as caught:
            Client(URL, PROJECT, "cdk_ingest_wrong", retries=0).emit(
                {"type": "deploy", "deploy": self.key, "status": "live", "environment": "production"}
            )
        self.assertEqual(caught.exception.code, "BAD_SIGNATURE")
        self.assertEqual(caught.exception.status, 401)

    def test_an_invalid_event_is_refused_with_the_field_named(self):
        with self.assertRaises(CuittyError) as caught:
            self.client.emit({"type": "deploy", "deploy": self.key, "status": "shipped", "environment": "production"})
        self.assertEqual(caught.exception.code, "VALIDATION_FAILED")
        self.assertIn("status", caught.exception.fields)

    def test_an_unreachable_portal_raises_a_network_error(self):
        with self.assertRaises(CuittyError) as caught:
            Client("http://127.0.0.1:9", PROJECT, INGEST, retries=0, timeout=2).emit(
                {"type": "deploy", "deploy": self.key, "status": "live", "environment": "production"}
            )
        self.assertEqual(caught.exception.code, "NETWORK")


if __name__ == "__main__":
    unittest.main()
