FROM node:20-alpine
WORKDIR /srv
COPY package*.json ./
RUN npm install --omit=dev express@4 helmet && npm cache clean --force
RUN pip install requests
COPY . .
CMD ["node", "server.js"]
