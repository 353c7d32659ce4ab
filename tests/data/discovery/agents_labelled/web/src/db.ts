// Storage for subscriptions: no AI here.
export const db = {
  subscriptions: {
    async cancel(id: string): Promise<void> {
      console.log('cancel', id);
    },
  },
  tools: ['pg_dump', 'psql'],
};
