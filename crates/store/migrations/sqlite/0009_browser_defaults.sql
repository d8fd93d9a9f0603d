-- The language and time zone a user's browser last used (recorded at
-- sign-in): their e-mail follows these when they have chosen none
-- themselves, before the site's defaults.

ALTER TABLE users ADD COLUMN browser_locale TEXT;
ALTER TABLE users ADD COLUMN browser_time_zone TEXT;
