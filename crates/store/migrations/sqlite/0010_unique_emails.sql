-- E-mail addresses are unique without case: mail in finds exactly one
-- user by the sender's address, and notifications reach one person.
--
-- A database may already hold addresses shared by several accounts. The
-- migration must not fail on it, and must not guess which person is
-- real: the oldest account (lowest id) keeps the address (mail in already
-- chose it), the newer ones lose theirs (set to none, version bumped, so
-- an admin form read earlier is refused) and each loss is written to the
-- security audit log with the address and the account that kept it, for
-- an admin to sort out. Blank addresses become none.

UPDATE users SET email = NULL WHERE email IS NOT NULL AND trim(email) = '';
UPDATE users SET email = trim(email) WHERE email <> trim(email);

INSERT INTO audit_events (at, kind, actor_id, actor_name, subject, client, detail)
SELECT CAST(unixepoch('subsec') * 1000000 AS INTEGER), 'user_changed', NULL, 'steward', u.username, '',
       'email ' || u.email || ' removed by migration 0010: ' || k.username || ' has the same address'
FROM users u
JOIN users k ON k.id = (SELECT MIN(o.id) FROM users o WHERE lower(o.email) = lower(u.email))
WHERE u.email IS NOT NULL AND k.id <> u.id;

UPDATE users SET email = NULL, version = version + 1
WHERE email IS NOT NULL
  AND EXISTS (SELECT 1 FROM users o WHERE lower(o.email) = lower(users.email) AND o.id < users.id);

CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
