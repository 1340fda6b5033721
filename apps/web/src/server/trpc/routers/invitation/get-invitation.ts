import { z } from "zod";
import { getInvitationByToken } from "@scrollintel/core/services/invitation-service";
import { publicProcedure } from "../../init";

/** What the invite page shows: workspace and role. The token is the credential. */
export const getInvitation = publicProcedure
  .input(z.object({ token: z.string().min(16).max(128) }))
  .query(({ ctx, input }) => getInvitationByToken(ctx.db, input.token));
