/** How a branch describes itself to head office (names, zone, services, counters), as kept in branches.profile. */
import type { z } from 'zod';
import { livePushSchema } from '../sync/protocol.js';

export const branchProfileSchema = livePushSchema.shape.profile;
export type BranchProfile = z.infer<typeof branchProfileSchema>;
