-- Each stored payout row names the member's programme at closing (CONTRACT.md section 8), so a
-- closed month's rows say which programme was paid even after a member changes programme.
-- Rows closed before this migration predate associates: they were all influencers.
ALTER TABLE payout_rows ADD COLUMN program TEXT NOT NULL DEFAULT 'influencer';
